package dev.strata.schemas.fold;

import dev.strata.schemas.fold.bytes.ByteReader;
import dev.strata.schemas.fold.bytes.ByteWriter;

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

    /**
     * Whether this change alone says its key's row: a DELETE (no row), or an UPSERT whose image carries
     * every value (none an unchanged TOAST value left for an older version to fill). A fold that has
     * a key's newest such change up to a point needs no older change of that key.
     */
    public boolean settlesKey() {
        if (kind == Kind.DELETE) {
            return true;
        }
        if (kind != Kind.UPSERT) {
            return false;
        }
        ByteReader in = new ByteReader(version, KeyedVersions.HEADER);
        in.readVarLong(); // shape id
        long count = in.readVarLong();
        for (long i = 0; i < count; i++) {
            if (in.peek() == RowCodec.UNCHANGED) {
                return false;
            }
            RowCodec.skipValue(in);
        }
        return true;
    }

    /** This UPSERT under the ids another catalog gives its table and shape: a row read with one catalog, folded with another. */
    public FoldOp inCatalog(int otherTableId, int otherShapeId) {
        if (kind != Kind.UPSERT) {
            throw new IllegalStateException("only an UPSERT's row carries a shape to rename, not a " + kind);
        }
        ByteReader in = new ByteReader(version, KeyedVersions.HEADER);
        in.readVarLong(); // this catalog's shape id
        ByteWriter out = new ByteWriter(version.length + 8);
        out.writeBytes(version, 0, KeyedVersions.HEADER);
        out.writeVarLong(otherShapeId);
        out.writeBytes(version, in.position(), version.length - in.position());
        return new FoldOp(otherTableId, otherShapeId, kind, lsn, txOrder, key, out.toArray());
    }

    /** Order of changes: by LSN, then by position in the transaction (a COPY gives many rows one LSN). */
    public static int compareOrder(long lsnA, long orderA, long lsnB, long orderB) {
        int byLsn = Long.compare(lsnA, lsnB);
        return byLsn != 0 ? byLsn : Long.compare(orderA, orderB);
    }
}
