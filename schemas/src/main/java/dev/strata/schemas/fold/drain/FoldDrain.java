package dev.strata.schemas.fold.drain;

/**
 * Receives the folded state, one table's rows after another (a table may come in several runs
 * when the fold spilled to disk: one per partition).
 */
public interface FoldDrain {
    /** A live row; decode {@code version} with {@link dev.strata.schemas.fold.RowDecoder}. */
    void upsert(int tableId, byte[] key, byte[] version);

    /**
     * A key that was deleted or truncated at the restore point; {@code version} says when (see
     * {@link dev.strata.schemas.fold.FoldedVersion}), for a base that must keep the key's position in the log.
     */
    void tombstone(int tableId, byte[] key, byte[] version);
}
