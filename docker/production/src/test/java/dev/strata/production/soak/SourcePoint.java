package dev.strata.production.soak;

import java.time.Instant;
import java.util.Map;

/**
 * The source as it was at a whole second: every tenant's per-table checksum (row count and md5 of its rows in id
 * order), taken while no transaction could commit, so that a restore to {@code at} must give exactly these.
 */
record SourcePoint(String name, Instant at, Map<String, Map<String, String>> checksumsByTenant) {
}
