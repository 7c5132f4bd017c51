package dev.strata.restore.status;

import java.util.function.Function;

/** A column of the status table: its header, its width, and what it shows for a tenant. */
public record StatusColumn(String header, int width, Function<TenantStatus, String> cell) {
}
