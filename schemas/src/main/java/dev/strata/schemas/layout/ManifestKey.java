package dev.strata.schemas.layout;

import dev.strata.schemas.TenantId;
import dev.strata.schemas.UtcHour;
import java.util.Objects;

/**
 * Names one sealed hour manifest. {@code seq} numbers the manifests of one hour: objects that
 * arrive after an hour was sealed go into the next seq, because a sealed manifest is never rewritten.
 */
public record ManifestKey(TenantId tenant, UtcHour hour, int seq) implements LayoutKey {

    public static final int MAX_SEQ = 999_999;

    public ManifestKey {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(hour, "hour");
        requireValidSeq(tenant, seq);
    }

    /** The seq is fixed-width (6 digits) in the key, so that key order is (hour, seq) order. */
    public static void requireValidSeq(TenantId tenant, int seq) {
        if (seq < 0 || seq > MAX_SEQ) {
            throw new IllegalArgumentException("manifest seq " + seq + " of tenant " + tenant + " is outside 0.." + MAX_SEQ);
        }
    }

    public ManifestKey next() {
        return new ManifestKey(tenant, hour, seq + 1);
    }
}
