package dev.strata.schemas.base;

import dev.strata.schemas.avro.BaseRow;
import dev.strata.schemas.crypto.UnopenableBodyException;
import dev.strata.schemas.fold.ChangeFolder;
import dev.strata.schemas.fold.FoldOp;
import dev.strata.schemas.fold.FoldPosition;
import dev.strata.schemas.fold.FoldedVersion;
import dev.strata.schemas.fold.ShapeCatalog;
import dev.strata.schemas.fold.drain.FoldDrain;
import dev.strata.schemas.store.ObjectFile;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.specific.SpecificDatumReader;

/**
 * Folds a base table object back into a {@link ChangeFolder}: each key at its recorded position, so
 * that the log after the cut, folded on top, gives exactly what folding the whole log gives. Also
 * restores what the rows alone cannot say: the table's newest TRUNCATE and where its final shape
 * was seen. Only bytes matched to the table's SHA-256 in the base manifest are folded: a file read from
 * a store carries the SHA-256 of the bytes received, checked here before the first row; the caller of
 * the in-memory variant has matched them itself.
 */
public final class BaseLoader {
    private static final int BATCH = 4096;
    private static final int READ_BUFFER_BYTES = 1 << 16;

    private BaseLoader() {
    }

    /**
     * Folds a table object read to a file (a table can be larger than the heap), streaming it from disk.
     *
     * @return the keys read (rows and tombstones)
     * @throws IllegalArgumentException naming the object, before any row is folded, if the file's size or
     *     SHA-256 is not the one the manifest names
     */
    public static long load(BaseTable table, ObjectFile file, String source, ShapeCatalog catalog, ChangeFolder folder) {
        return read(table, file, UnaryOperator.identity(), source, catalog, folder, null);
    }

    /**
     * As {@link #load(BaseTable, ObjectFile, String, ShapeCatalog, ChangeFolder)}, of the stored bytes of a body
     * that {@code opening} opens while it is read (a sealed body, chunk by chunk): the file's size and SHA-256 are
     * those of the stored bytes, which the manifest names.
     */
    public static long load(BaseTable table, ObjectFile stored, UnaryOperator<InputStream> opening, String source, ShapeCatalog catalog,
                            ChangeFolder folder) {
        return read(table, stored, opening, source, catalog, folder, null);
    }

    /**
     * As {@link #load(BaseTable, ObjectFile, String, ShapeCatalog, ChangeFolder)} after the log up to
     * the point has been folded, with every row whose key the fold does not hold handed straight to
     * {@code direct} (nothing later can supersede it): the base's rows go to the target while they
     * are read, and only the keys the log changed are folded with their base rows. A table with a
     * TRUNCATE (in the base or in the log) is folded whole: its rows' fate depends on their positions.
     *
     * @return the keys read (rows and tombstones), folded or handed over
     */
    public static long stream(BaseTable table, ObjectFile file, String source, ShapeCatalog catalog, ChangeFolder folder, FoldDrain direct) {
        return read(table, file, UnaryOperator.identity(), source, catalog, folder, direct);
    }

    /** As {@link #stream(BaseTable, ObjectFile, String, ShapeCatalog, ChangeFolder, FoldDrain)}, opened while read (see load). */
    public static long stream(BaseTable table, ObjectFile stored, UnaryOperator<InputStream> opening, String source, ShapeCatalog catalog,
                              ChangeFolder folder, FoldDrain direct) {
        return read(table, stored, opening, source, catalog, folder, direct);
    }

    private static long read(BaseTable table, ObjectFile file, UnaryOperator<InputStream> opening, String source, ShapeCatalog catalog,
                             ChangeFolder folder, FoldDrain direct) {
        if (!file.sha256().equals(table.sha256()) || file.size() != table.size()) {
            throw new IllegalArgumentException("base object " + source + " read to " + file.path() + " has SHA-256 " + file.sha256()
                    + " and " + file.size() + " bytes, but its manifest says " + table.sha256() + " and " + table.size()
                    + " bytes: nothing of it is folded; read it again, from the other region if this one's copy is altered");
        }
        try (InputStream stored = Files.newInputStream(file.path());
             InputStream in = new BufferedInputStream(opening.apply(stored), READ_BUFFER_BYTES)) {
            return load(table, in, source, catalog, folder, direct);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read base object " + source + " from " + file.path() + ": " + e.getMessage(), e);
        }
    }

    /** Folds table bytes the caller has matched to the manifest's SHA-256; @return the keys read (rows and tombstones) */
    public static long load(BaseTable table, byte[] bytes, String source, ShapeCatalog catalog, ChangeFolder folder) {
        return load(table, new ByteArrayInputStream(bytes), source, catalog, folder, null);
    }

    /**
     * What the table's rows alone cannot say, before they are read: its final shape and where it was
     * seen (that row may since have been deleted), so that the table is created with the same columns.
     */
    public static void noteFinalShape(BaseTable table, ShapeCatalog catalog, ChangeFolder folder) {
        if (table.finalShape() >= 0) {
            folder.noteShape(catalog.tableId(table.table()), catalog.shapeId(table.shapes().get(table.finalShape())),
                    table.finalShapeAt().orElseThrow());
        }
    }

    /** @param direct where a row the fold does not hold goes, or null: every row is folded */
    private static long load(BaseTable table, InputStream in, String source, ShapeCatalog catalog, ChangeFolder folder, FoldDrain direct) {
        int tableId = catalog.tableId(table.table());
        int[] shapeIds = table.shapes().stream().mapToInt(catalog::shapeId).toArray();
        noteFinalShape(table, catalog, folder);
        FoldDrain bypass = table.truncatedAt().isPresent() || folder.truncatePosition(tableId).isPresent() || direct == null ? null
                : new GuardedDrain(direct);
        // the fold's keys handed over between the rows: one ordered run, and no lookup for each row the tail left alone
        KeyOrderMerge merge = bypass == null || !table.keyOrdered() ? null
                : folder.keysInOrder(tableId, bypass).map(KeyOrderMerge::new).orElse(null);
        long keys = 0;
        List<FoldOp> batch = new ArrayList<>(BATCH);
        try (DataFileStream<BaseRow> rows = new DataFileStream<>(in, new SpecificDatumReader<>(BaseRow.class))) {
            BaseRow row = null;
            while (rows.hasNext()) {
                row = rows.next(row);
                FoldPosition at = new FoldPosition(row.getLsn(), row.getTxOrder());
                byte[] key = copy(row.getKey());
                int shape = row.getShape();
                byte[] version = shape < 0 ? FoldedVersion.deletion(at) : FoldedVersion.live(at, shapeIds[shape], row.getValues());
                keys++;
                if (merge != null ? !merge.heldBefore(key) : bypass != null && !folder.holds(tableId, key)) {
                    handOver(bypass, tableId, key, version, shape < 0);
                    continue;
                }
                FoldOp op = shape < 0 ? new FoldOp(tableId, -1, FoldOp.Kind.DELETE, at.lsn(), at.txOrder(), key, version)
                        : new FoldOp(tableId, shapeIds[shape], FoldOp.Kind.UPSERT, at.lsn(), at.txOrder(), key, version);
                if (merge != null) {
                    folder.handOverFolded(op, bypass);
                    merge.handedOverHeld();
                    continue;
                }
                batch.add(op);
                if (batch.size() == BATCH) {
                    folder.acceptAll(batch);
                    batch.clear();
                }
            }
            if (merge != null) {
                merge.finish();
                folder.drained(tableId);
            }
        } catch (TargetFailure e) {
            throw e.failure; // the target's, not the object's: it says itself what failed
        } catch (UnopenableBodyException e) {
            throw e; // a chunk of a body opened while read failed authentication: it names the object itself
        } catch (IOException | RuntimeException e) {
            throw new UncheckedIOException(new IOException("base object " + source + " cannot be decoded although its SHA-256 matched: "
                    + e + " (a bug, or a format this build does not know: upgrade the tool)", e));
        }
        folder.acceptAll(batch);
        // after the rows, as in the log: a key the TRUNCATE cleared stays a tombstone, not forgotten
        table.truncatedAt().ifPresent(at -> folder.accept(new FoldOp(tableId, -1, FoldOp.Kind.TRUNCATE, at.lsn(), at.txOrder(), null, null)));
        return keys;
    }

    private static void handOver(FoldDrain to, int tableId, byte[] key, byte[] version, boolean deleted) {
        if (deleted) {
            to.tombstone(tableId, key, version);
        } else {
            to.upsert(tableId, key, version);
        }
    }

    /** The receiver of the rows, its failures carried past the catch that names an undecodable object. */
    private record GuardedDrain(FoldDrain to) implements FoldDrain {
        @Override
        public void upsert(int tableId, byte[] key, byte[] version) {
            try {
                to.upsert(tableId, key, version);
            } catch (RuntimeException e) {
                throw new TargetFailure(e);
            }
        }

        @Override
        public void tombstone(int tableId, byte[] key, byte[] version) {
            try {
                to.tombstone(tableId, key, version);
            } catch (RuntimeException e) {
                throw new TargetFailure(e);
            }
        }
    }

    /** Carries a failure of the rows' receiver past the catch that names an undecodable object. */
    private static final class TargetFailure extends RuntimeException {
        private final RuntimeException failure;

        TargetFailure(RuntimeException failure) {
            super(failure.getMessage(), failure, false, false);
            this.failure = failure;
        }
    }

    private static byte[] copy(ByteBuffer buffer) {
        ByteBuffer d = buffer.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }
}
