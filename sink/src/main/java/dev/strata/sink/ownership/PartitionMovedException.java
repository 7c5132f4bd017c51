package dev.strata.sink.ownership;

/** Tenant work stopped because its partition moved to another sink instance, which now does that work. Not a failure. */
public final class PartitionMovedException extends RuntimeException {
    public PartitionMovedException(int partition, String step) {
        super("partition " + partition + " moved to another sink instance before " + step + "; its new owner does this work");
    }
}
