package dev.strata.schemas.layout;

import dev.strata.schemas.TenantId;
import java.util.Objects;

/** Names the report of one restore drill of a tenant, by the time the drill ran. */
public record DrillKey(TenantId tenant, long timeMicros) implements LayoutKey {

    public DrillKey {
        Objects.requireNonNull(tenant, "tenant");
        KeyTime.checkRange("drill time", timeMicros);
    }
}
