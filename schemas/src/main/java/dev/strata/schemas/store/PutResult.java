package dev.strata.schemas.store;

/** What {@link ObjectStore#putIfAbsent} did. Both outcomes mean: the key now holds exactly these bytes. */
public enum PutResult {
    /** The object was written by this call. */
    WRITTEN,
    /** The key already held the same SHA-256 (a retried upload): nothing was written. */
    ALREADY_PRESENT_IDENTICAL
}
