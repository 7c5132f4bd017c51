package dev.strata.schemas.fold.order;

/**
 * One table's keys, each one integer, in the order of those integers: walked beside rows already in
 * that order (a key-ordered base's), each handed over where it falls among them, so that a restore
 * from a base and a tail loads its table in one ordered run.
 */
public interface KeysInOrder {
    int size();

    /** The integer of the {@code i}-th key, {@code 0 <= i < size()}; ascending in {@code i}. */
    long value(int i);

    /** Hands the {@code i}-th key's state over, to the receiver these keys were taken for. */
    void handOver(int i);
}
