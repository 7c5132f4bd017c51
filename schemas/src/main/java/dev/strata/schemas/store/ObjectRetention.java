package dev.strata.schemas.store;

import dev.strata.schemas.layout.ObjectKey;
import java.time.Instant;
import java.util.Optional;

/**
 * Until when the store must refuse to delete an object a put writes: the store locks each new object
 * (Object Lock COMPLIANCE, sent with the put itself) until that time. Empty leaves the bucket's
 * default retention. Asked once per write, at the time of the write.
 */
@FunctionalInterface
public interface ObjectRetention {

    /** The bucket default for every object. */
    ObjectRetention BUCKET_DEFAULT = key -> Optional.empty();

    Optional<Instant> retainUntil(ObjectKey key);
}
