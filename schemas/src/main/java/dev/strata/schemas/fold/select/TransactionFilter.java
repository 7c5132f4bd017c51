package dev.strata.schemas.fold.select;

/**
 * Which source transactions a restore keeps, on top of the commit-time cut. A drill keeps exactly
 * those visible in its checkpoint's snapshot; an ordinary replay keeps all.
 */
@FunctionalInterface
public interface TransactionFilter {
    TransactionFilter ALL = txId -> true;

    boolean includes(long txId);
}
