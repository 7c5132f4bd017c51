package dev.strata.schemas.base;

import dev.strata.schemas.Sha256;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.avro.BaseRow;
import dev.strata.schemas.fold.ChangeFolder;
import dev.strata.schemas.fold.FoldPosition;
import dev.strata.schemas.fold.FoldedVersion;
import dev.strata.schemas.fold.ShapeCatalog;
import dev.strata.schemas.fold.TableShape;
import dev.strata.schemas.fold.drain.FoldDrain;
import dev.strata.schemas.layout.BaseCut;
import dev.strata.schemas.store.ObjectFile;
import dev.strata.schemas.store.ObjectFileOutput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * Writes a drained fold as one base object per table (Avro OCF of {@link BaseRow}, zstd), to files
 * in a directory; a table keyed by one integer holds its rows in key order, so that a restore loads
 * them as Postgres builds its key fastest ({@link ChangeFolder#drainInKeyOrder}). A tenant larger
 * than memory is folded with spilling and streamed out here (its rows in hash order), so
 * neither the rows nor the objects are ever held whole; each file's size, SHA-256 and Content-MD5 are
 * computed as it is written, so it is uploaded from disk as it is. Deterministic: the same fold, fed in the
 * same order, gives the same bytes (the sync marker derives from the base's name), so a base
 * re-made after a crash finds its own objects already stored, not a conflict.
 */
public final class BaseBuilder {
    private static final byte[] SYNC_DOMAIN = "strata-base-sync-v1".getBytes(StandardCharsets.UTF_8);
    private static final int ZSTD_LEVEL = 3;

    /** The tables written, in table-name order, and the file holding each (with its size, SHA-256 and Content-MD5). */
    public record Built(List<BaseTable> tables, Map<String, ObjectFile> files) {
    }

    private BaseBuilder() {
    }

    public static Built write(TenantId tenant, BaseCut cut, ShapeCatalog catalog, ChangeFolder folder, Path dir) {
        Map<Integer, TableFile> files = new LinkedHashMap<>();
        try {
            for (int tableId : folder.tables()) {
                String table = catalog.table(tableId);
                files.put(tableId, new TableFile(dir.resolve(tableId + ".base"), syncMarker(tenant, cut, table)));
            }
            Set<Integer> keyOrdered = folder.drainInKeyOrder(new FoldDrain() {
                @Override
                public void upsert(int tableId, byte[] key, byte[] version) {
                    TableFile file = files.get(tableId);
                    file.append(FoldedVersion.position(version), file.shapeIndex(catalog, FoldedVersion.shapeId(version)), key,
                            FoldedVersion.values(version));
                    file.rows++;
                }

                @Override
                public void tombstone(int tableId, byte[] key, byte[] version) {
                    TableFile file = files.get(tableId);
                    file.append(FoldedVersion.position(version), -1, key, new byte[0]);
                    file.tombstones++;
                }
            });
            List<BaseTable> tables = new ArrayList<>();
            Map<String, ObjectFile> written = new LinkedHashMap<>();
            for (Map.Entry<Integer, TableFile> e : files.entrySet()) {
                int tableId = e.getKey();
                TableFile file = e.getValue();
                int finalShapeId = folder.finalShape(tableId);
                int finalShape = finalShapeId < 0 ? -1 : file.shapeIndex(catalog, finalShapeId);
                Optional<FoldPosition> finalAt = finalShape < 0 ? Optional.empty() : folder.finalShapePosition(tableId);
                ObjectFile object = file.finish();
                String table = catalog.table(tableId);
                tables.add(new BaseTable(table, file.rows, file.tombstones, object.size(), object.sha256(),
                        file.shapes, finalShape, finalAt, folder.truncatePosition(tableId), keyOrdered.contains(tableId)));
                written.put(table, object);
            }
            return new Built(tables, written);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the base of tenant " + tenant + " under " + dir + ": " + e.getMessage()
                    + " (is there room? set the spill directory to a larger disk)", e);
        } finally {
            files.values().forEach(TableFile::closeQuietly);
        }
    }

    /** Any 16 bytes serve as a sync marker; these depend only on the object's name. */
    private static byte[] syncMarker(TenantId tenant, BaseCut cut, String table) {
        MessageDigest md = Sha256.newDigest();
        md.update(SYNC_DOMAIN);
        md.update((tenant.value() + "\0" + cut.cutCommitMicros() + "\0" + cut.cutLsn() + "\0" + table).getBytes(StandardCharsets.UTF_8));
        return Arrays.copyOf(md.digest(), 16);
    }

    /** One table's object being written. */
    private static final class TableFile {
        final Path path;
        final ObjectFileOutput out;
        final DataFileWriter<BaseRow> writer = new DataFileWriter<>(new SpecificDatumWriter<>(BaseRow.class));
        final BaseRow row = new BaseRow();
        final List<TableShape> shapes = new ArrayList<>();
        final Map<Integer, Integer> shapeIndexes = new HashMap<>();
        long rows;
        long tombstones;
        boolean finished;

        TableFile(Path path, byte[] sync) throws IOException {
            this.path = path;
            this.out = ObjectFileOutput.create(path);
            writer.setCodec(CodecFactory.zstandardCodec(ZSTD_LEVEL, true));
            writer.create(BaseRow.getClassSchema(), out, sync);
        }

        int shapeIndex(ShapeCatalog catalog, int shapeId) {
            return shapeIndexes.computeIfAbsent(shapeId, id -> {
                shapes.add(catalog.shape(id));
                return shapes.size() - 1;
            });
        }

        void append(FoldPosition at, int shape, byte[] key, byte[] values) {
            row.setLsn(at.lsn());
            row.setTxOrder(at.txOrder());
            row.setShape(shape);
            row.setKey(ByteBuffer.wrap(key));
            row.setValues(ByteBuffer.wrap(values));
            try {
                writer.append(row);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write base file " + path + ": " + e.getMessage(), e);
            }
        }

        ObjectFile finish() throws IOException {
            writer.close();
            out.close(); // the writer closed it already; closing again is harmless and makes the object file final
            finished = true;
            return out.objectFile();
        }

        void closeQuietly() {
            if (!finished) {
                try {
                    writer.close();
                } catch (IOException | RuntimeException ignored) {
                    // already failing: the caller reports the first error
                }
            }
        }
    }
}
