package dev.strata.restore.target;

import dev.strata.schemas.TenantId;
import java.util.List;
import java.util.Objects;

/**
 * What a target is about to receive: one tenant's tables as of one restore point.
 *
 * @param tables every table with a change at or before the restore point, in name order
 * @param force whether the operator allowed writing into a target that already holds data
 */
public record RestoreScope(TenantId tenant, long untilMicros, List<TableTarget> tables, boolean force) {

    public RestoreScope {
        Objects.requireNonNull(tenant, "tenant");
        tables = List.copyOf(tables);
    }
}
