package dev.strata.sink.store;

import dev.strata.sink.SinkConfig;

/** A bucket that does not lock what is written to it: the sink refuses to back up into it. */
public final class UnlockedBucketException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UnlockedBucketException(String problem) {
        super(problem + ". A backup there could be deleted. Create the bucket with Object Lock and a default COMPLIANCE"
                + " retention (or, in a test only, set " + SinkConfig.TEST_ALLOW_UNLOCKED_BUCKETS + "=true)");
    }
}
