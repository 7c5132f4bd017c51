package dev.strata.schemas.store;

import dev.strata.schemas.Sha256;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.store.failure.ConflictingObjectException;
import java.util.Optional;

/**
 * The write-once rule, in one place for every put of every store: look at what the key holds first;
 * the same SHA-256 and size is a retry (nothing is written), anything else is the conflict alarm, and
 * only an empty key is written. A store that cannot make HEAD-then-PUT atomic (RGW 16 ignores
 * {@code If-None-Match: *} in versioned buckets) leaves a race between two writers as a second
 * version, which verify flags.
 */
public final class WriteOnce {
    private WriteOnce() {
    }

    public static PutResult put(ObjectStore store, ObjectKey key, long size, Sha256 sha256, Runnable write) {
        Optional<ObjectInfo> existing = store.head(key);
        if (existing.isPresent()) {
            ObjectInfo stored = existing.get();
            if (stored.declaredSha256().equals(Optional.of(sha256)) && stored.size() == size) {
                return PutResult.ALREADY_PRESENT_IDENTICAL;
            }
            throw new ConflictingObjectException(store.describe(), key, stored.declaredSha256().map(Sha256::hex).orElse("(none recorded)"),
                    stored.size(), sha256, size);
        }
        write.run();
        return PutResult.WRITTEN;
    }
}
