package dev.strata.schemas.fold;

/**
 * What the fold did.
 *
 * @param changes changes folded
 * @param superseded changes that lost to a newer change of their key, or were duplicates
 * @param spilledBytes bytes written to spill files; 0 when everything fit in memory
 */
public record FoldStats(long changes, long superseded, long truncates, long spilledBytes, int partitions) {
}
