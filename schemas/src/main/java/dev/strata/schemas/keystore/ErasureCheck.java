package dev.strata.schemas.keystore;

import dev.strata.schemas.TenantId;

/**
 * Asked by a key store that creates keys, before and after it writes one: an erasure lists the
 * tenant's keys once, after its tombstone, so a key written later would outlive it. A key written
 * before the tombstone is listed and destroyed; a key written after it is refused here and seals
 * nothing.
 */
@FunctionalInterface
public interface ErasureCheck {
    /** For holders that never create keys, and tests without tombstones. */
    ErasureCheck NONE = tenant -> false;

    /** Whether the tenant has an erasure tombstone; throws when the regime's buckets cannot say (never guess "no"). */
    boolean erased(TenantId tenant);
}
