package dev.strata.sink.ownership;

/**
 * A claim on one partition for one piece of tenant work (a seal, a fold). The work asks
 * {@link #check} before each step that writes or that takes long, and stops when the partition has
 * moved to another instance; closing the lease lets a waiting revocation go on.
 */
public final class Lease implements AutoCloseable {
    private final PartitionOwnership ownership;
    private final int partition;
    private boolean closed;

    Lease(PartitionOwnership ownership, int partition) {
        this.ownership = ownership;
        this.partition = partition;
    }

    public int partition() {
        return partition;
    }

    /** @throws PartitionMovedException when the partition has been revoked or lost since the lease was given */
    public void check(String step) {
        if (!ownership.owns(partition)) {
            throw new PartitionMovedException(partition, step);
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            ownership.ended(partition);
        }
    }
}
