package dev.strata.schemas.layout;

import dev.strata.schemas.TenantId;

/**
 * The erasure tombstones' keys, {@code strata/v1/erased/<tenant>.tombstone}, for {@link BackupLayout}:
 * a prefix of its own outside {@code tenants/}, so that one IAM statement grants the key-admin user
 * puts there and nowhere else and denies them to the sink's writer (a sink key must never make a
 * tenant look erased), and so that expiry, which works under {@code tenants/}, never removes one.
 * One LIST of the prefix names every erased tenant of a region.
 */
final class TombstoneKeys {
    static final String ROOT = BackupLayout.ROOT + "erased/";
    static final String SHAPE = ROOT + "<tenant>.tombstone";
    private static final String SUFFIX = ".tombstone";

    private TombstoneKeys() {
    }

    static ObjectKey format(TombstoneKey k) {
        return new ObjectKey(ROOT + k.tenant().value() + SUFFIX);
    }

    static TombstoneKey parse(String v) {
        String name = v.substring(ROOT.length());
        if (!name.endsWith(SUFFIX) || name.contains("/")) {
            throw new InvalidObjectKeyException(v, "expected " + SHAPE);
        }
        try {
            return new TombstoneKey(TenantId.of(name.substring(0, name.length() - SUFFIX.length())));
        } catch (IllegalArgumentException e) {
            throw new InvalidObjectKeyException(v, e.getMessage() + " (expected " + SHAPE + ")");
        }
    }
}
