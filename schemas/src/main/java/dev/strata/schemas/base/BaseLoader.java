package dev.strata.schemas.base;

import dev.strata.schemas.avro.BaseRow;
import dev.strata.schemas.fold.ChangeFolder;
import dev.strata.schemas.fold.FoldOp;
import dev.strata.schemas.fold.FoldPosition;
import dev.strata.schemas.fold.FoldedVersion;
import dev.strata.schemas.fold.ShapeCatalog;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.specific.SpecificDatumReader;

/**
 * Folds a base table object back into a {@link ChangeFolder}: each key at its recorded position, so
 * that the log after the cut, folded on top, gives exactly what folding the whole log gives. Also
 * restores what the rows alone cannot say: the table's newest TRUNCATE and where its final shape
 * was seen. The caller has matched the bytes to the table's SHA-256 in the base manifest.
 */
public final class BaseLoader {
    private static final int BATCH = 4096;

    private BaseLoader() {
    }

    /** @return the keys read (rows and tombstones) */
    public static long load(BaseTable table, byte[] bytes, String source, ShapeCatalog catalog, ChangeFolder folder) {
        int tableId = catalog.tableId(table.table());
        int[] shapeIds = table.shapes().stream().mapToInt(catalog::shapeId).toArray();
        if (table.finalShape() >= 0) {
            folder.noteShape(tableId, shapeIds[table.finalShape()], table.finalShapeAt().orElseThrow());
        }
        long keys = 0;
        List<FoldOp> batch = new ArrayList<>(BATCH);
        try (DataFileStream<BaseRow> rows = new DataFileStream<>(new ByteArrayInputStream(bytes), new SpecificDatumReader<>(BaseRow.class))) {
            BaseRow row = null;
            while (rows.hasNext()) {
                row = rows.next(row);
                FoldPosition at = new FoldPosition(row.getLsn(), row.getTxOrder());
                byte[] key = copy(row.getKey());
                int shape = row.getShape();
                if (shape < 0) {
                    batch.add(new FoldOp(tableId, -1, FoldOp.Kind.DELETE, at.lsn(), at.txOrder(), key, FoldedVersion.deletion(at)));
                } else {
                    int shapeId = shapeIds[shape];
                    batch.add(new FoldOp(tableId, shapeId, FoldOp.Kind.UPSERT, at.lsn(), at.txOrder(), key,
                            FoldedVersion.live(at, shapeId, copy(row.getValues()))));
                }
                keys++;
                if (batch.size() == BATCH) {
                    folder.acceptAll(batch);
                    batch.clear();
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new UncheckedIOException(new IOException("base object " + source + " cannot be decoded although its SHA-256 matched: "
                    + e + " (a bug, or a format this build does not know: upgrade the tool)", e));
        }
        folder.acceptAll(batch);
        // after the rows, as in the log: a key the TRUNCATE cleared stays a tombstone, not forgotten
        table.truncatedAt().ifPresent(at -> folder.accept(new FoldOp(tableId, -1, FoldOp.Kind.TRUNCATE, at.lsn(), at.txOrder(), null, null)));
        return keys;
    }

    private static byte[] copy(ByteBuffer buffer) {
        ByteBuffer d = buffer.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }
}
