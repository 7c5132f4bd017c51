package dev.strata.local;

import java.util.Locale;

/** The four identities of every region: least privilege is what the backup rules ask for. */
public enum StoreRole {
    /** Owns the buckets, sets Object Lock and the other users' IAM policies. Never used by Strata. */
    ADMIN,
    /** The sink: put, get and list; denied delete, retention changes and bucket changes. */
    WRITER,
    /** Restore: get (any version), list (versions too), read retention; denied every write. */
    READER,
    /**
     * Restore drills: the reader's rights plus put under {@value RolePolicies#DRILLS_PREFIX} only, for
     * their reports; denied every other write (DESIGN.md section 1, rule 7).
     */
    DRILL;

    /** The radosgw user id of this role. */
    String userId() {
        return "strata-" + name().toLowerCase(Locale.ROOT);
    }
}
