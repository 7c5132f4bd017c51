package dev.strata.restore.rollback;

import java.time.Duration;
import java.util.Map;

/** What a rollback's one transaction changed, per table (rows deleted, updated, inserted), and how long it took. */
public record Applied(Map<String, long[]> done, Duration took) {
}
