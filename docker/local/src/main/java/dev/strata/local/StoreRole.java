package dev.strata.local;

import java.util.Locale;

/** The three identities of every region: least privilege is what the backup rules ask for. */
public enum StoreRole {
    /** Owns the buckets, sets Object Lock and the other users' IAM policies. Never used by Strata. */
    ADMIN,
    /** The sink: put, get and list; denied delete, retention changes and bucket changes. */
    WRITER,
    /** Restore: get (any version), list (versions too), read retention; denied every write. */
    READER;

    /** The radosgw user id of this role. */
    String userId() {
        return "strata-" + name().toLowerCase(Locale.ROOT);
    }
}
