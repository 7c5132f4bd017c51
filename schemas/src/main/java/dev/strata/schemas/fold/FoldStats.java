package dev.strata.schemas.fold;

/**
 * What the fold did.
 *
 * @param changes changes folded, with those a reader left undecoded because the fold held a newer row of their key
 * @param superseded changes that lost to a newer change of their key (as they came: one the fold took and a newer one
 *     replaced later is not counted), or were duplicates
 * @param duplicates of {@code superseded}, those equal in (lsn, txOrder) to the version held for their key when they
 *     came: delivered twice (a crash re-sent them). A lower bound: a copy that comes after a newer change of its key
 *     is only superseded, and a fold that spilled to disk counts none
 * @param spilledBytes bytes written to spill files; 0 when everything fit in memory
 */
public record FoldStats(long changes, long superseded, long duplicates, long truncates, long spilledBytes, int partitions) {
}
