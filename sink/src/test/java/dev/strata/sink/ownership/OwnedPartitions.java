package dev.strata.sink.ownership;

import java.util.Arrays;

/** For tests of tenant work without a rebalance: an instance that owns the given partitions. */
public final class OwnedPartitions {
    private OwnedPartitions() {
    }

    public static PartitionOwnership of(Integer... partitions) {
        PartitionOwnership ownership = new PartitionOwnership();
        ownership.acquired(Arrays.asList(partitions));
        return ownership;
    }

    /** A lease held on partition 0 of an instance that owns it. */
    public static Lease lease() {
        return of(0).lease(0).orElseThrow();
    }
}
