package dev.strata.schemas.fold;

/** A place in the change log, in the fold's order: by LSN, then by position in the transaction. */
public record FoldPosition(long lsn, long txOrder) {
}
