package dev.strata.schemas.fold;

/**
 * One change reduced to what folding needs: table, order (lsn, txOrder), key bytes and the version
 * the fold keeps for the key (built once by the decoder, stored as is: no copy per change).
 *
 * @param shapeId the shape of the row image, -1 when the change carries none (TRUNCATE)
 * @param key the key values in compact form; null for TRUNCATE
 * @param version lsn, txOrder and (for an UPSERT) the row in compact form, see {@link KeyedVersions}; null for TRUNCATE
 */
public record FoldOp(int tableId, int shapeId, Kind kind, long lsn, long txOrder, byte[] key, byte[] version) {

    public enum Kind {
        UPSERT,
        DELETE,
        TRUNCATE
    }

    /** Order of changes: by LSN, then by position in the transaction (a COPY gives many rows one LSN). */
    public static int compareOrder(long lsnA, long orderA, long lsnB, long orderB) {
        int byLsn = Long.compare(lsnA, lsnB);
        return byLsn != 0 ? byLsn : Long.compare(orderA, orderB);
    }
}
