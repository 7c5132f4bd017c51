package dev.strata.schemas.layout;

import dev.strata.schemas.TenantId;
import java.util.Objects;

/** Names the base of one table at one cut: the last row image per key at that cut. */
public record BaseKey(TenantId tenant, BaseCut cut, String table) implements LayoutKey {

    public BaseKey {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(cut, "cut");
        Objects.requireNonNull(table, "table");
        if (table.isEmpty()) {
            throw new IllegalArgumentException("base of tenant " + tenant + ": table name is empty; expected schema.table");
        }
    }
}
