package dev.strata.local;

import java.util.Locale;

/** The six identities of every region: least privilege is what the backup rules ask for. */
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
    DRILL,
    /**
     * {@code restore-tool expire}: lists (versions too), reads what the plan needs and retentions,
     * deletes object versions; denied every put, retention and legal-hold change, bypass and bucket change.
     * The store refuses its deletes until each version's Object Lock retain-until has passed.
     */
    EXPIRE,
    /**
     * {@code restore-tool erasures add}: the reader's rights plus put under {@value RolePolicies#LEDGER_PREFIX} only, for
     * erasure ledger entries; denied every other write. The writer is denied puts there.
     */
    LEDGER,
    /**
     * {@code restore-tool tenants erase}: lists, reads and deletes data keys in the key store buckets
     * (crypto-shredding), and cannot create one; on a backup bucket it lists and reads and puts tombstones under
     * {@value RolePolicies#ERASED_PREFIX} only (the writer is denied puts there), and reads no backup body.
     */
    KEY_ADMIN;

    /** The radosgw user id of this role; hyphens, since RGW's IAM refuses an underscore in a user name. */
    String userId() {
        return "strata-" + name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
