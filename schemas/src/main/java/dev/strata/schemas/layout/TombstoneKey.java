package dev.strata.schemas.layout;

import dev.strata.schemas.TenantId;
import java.util.Objects;

/** Names the write-once record that a tenant was erased: one per tenant, ever. */
public record TombstoneKey(TenantId tenant) implements LayoutKey {
    public TombstoneKey {
        Objects.requireNonNull(tenant, "tenant");
    }
}
