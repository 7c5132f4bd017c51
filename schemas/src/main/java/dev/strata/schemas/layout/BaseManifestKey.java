package dev.strata.schemas.layout;

import dev.strata.schemas.TenantId;
import java.util.Objects;

/** Names the manifest of one base: its tables, row counts, checksums and what it folded. */
public record BaseManifestKey(TenantId tenant, BaseCut cut) implements LayoutKey {

    public BaseManifestKey {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(cut, "cut");
    }
}
