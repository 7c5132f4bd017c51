package dev.strata.restore.move;

import dev.strata.restore.store.FetchedObject;
import dev.strata.restore.store.ObjectFetcher;
import dev.strata.restore.store.RegimeStores;
import dev.strata.restore.store.Region;
import dev.strata.restore.store.RegionNotes;
import dev.strata.schemas.Sha256;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.avro.BaseRow;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Column;
import dev.strata.schemas.avro.Op;
import dev.strata.schemas.base.BaseDefinition;
import dev.strata.schemas.base.BaseManifest;
import dev.strata.schemas.base.BaseManifestCodec;
import dev.strata.schemas.base.BaseTable;
import dev.strata.schemas.fold.FoldPosition;
import dev.strata.schemas.fold.FoldedVersion;
import dev.strata.schemas.fold.RowDecoder;
import dev.strata.schemas.fold.ShapeCatalog;
import dev.strata.schemas.fold.TableShape;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.BaseCut;
import dev.strata.schemas.layout.BaseManifestKey;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.manifest.ManifestEntry;
import dev.strata.schemas.store.ObjectFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.specific.SpecificDatumReader;

/**
 * A base as change events, for a history whose log before the base was expired: each table definition the base holds
 * becomes a DDL event, each live key a READ (a snapshot row, as capture's initial snapshot writes them). Every event
 * keeps the base's place for it in the fold's order (the LSN and transaction order of the change that left the key
 * so) and carries the base's cut as its commit time: a restore of the new regime then starts at that cut, as one of
 * the old regime did once the log before it had expired, and the log's changes after the cut fold on top. Keys the base
 * holds as deleted become DELETEs and a table's last TRUNCATE a TRUNCATE, at their places: a late segment the base did
 * not fold can hold an older change of them, which must stay deleted.
 */
final class BaseSnapshot {
    static final String SOURCE = "strata-move";
    private static final int EXAMPLES = 5;

    private final RegimeStores stores;
    private final TenantId tenant;
    private final RegionNotes notes = new RegionNotes();

    BaseSnapshot(RegimeStores stores, TenantId tenant) {
        this.stores = stores;
        this.tenant = tenant;
    }

    /**
     * What a base gave: its events, the segments it folded (a copy of the log skips those the cut covers), and its rows with
     * a value no version in the backup held (they come out NULL, as in a restore of the old regime, which reports them).
     */
    record Read(long events, Set<ObjectKey> folded, RowDecoder.Unresolved unresolved) {
    }

    Read forEach(BaseCut cut, Consumer<ChangeEvent> each) {
        ObjectFetcher fetcher = new ObjectFetcher(stores, notes);
        ObjectKey manifestKey = BackupLayout.baseManifest(new BaseManifestKey(tenant, cut));
        FetchedObject manifestObject = fetcher.fetch(manifestKey, EnumSet.allOf(Region.class), Optional.empty());
        BaseManifest manifest = BaseManifestCodec.decode(manifestObject.bytes());
        long events = 0;
        List<RowDecoder.Unresolved> unresolved = new ArrayList<>();
        for (BaseDefinition definition : manifest.definitions()) {
            FoldPosition at = definition.at();
            each.accept(event(cut, definition.table(), Op.DDL, at, null, null, "ddl:" + definition.table() + ":" + at.lsn() + ":"
                    + at.txOrder(), definition.definition()));
            events++;
        }
        for (BaseTable table : manifest.tables()) {
            if (table.truncatedAt().isPresent()) {
                // a change of the log older than the TRUNCATE (a late segment) must stay cleared, as the base holds it
                FoldPosition at = table.truncatedAt().get();
                each.accept(event(cut, table.table(), Op.TRUNCATE, at, null, null, "truncate:" + table.table(), null));
                events++;
            }
            ObjectKey key = manifest.tableKey(table);
            Path staged = staging();
            try {
                ObjectFile file = fetcher.fetchToFile(key, EnumSet.allOf(Region.class), new ManifestEntry(key, table.size(), table.sha256()),
                        staged);
                events += rows(cut, table, file.path(), each, unresolved);
            } finally {
                delete(staged);
            }
        }
        return new Read(events, manifest.folded().stream().map(ManifestEntry::key).collect(Collectors.toSet()),
                new RowDecoder.Unresolved(unresolved.stream().mapToLong(RowDecoder.Unresolved::rows).sum(),
                        unresolved.stream().flatMap(u -> u.examples().stream()).limit(EXAMPLES).toList()));
    }

    private long rows(BaseCut cut, BaseTable table, Path file, Consumer<ChangeEvent> each, List<RowDecoder.Unresolved> unresolved) {
        ShapeCatalog catalog = new ShapeCatalog();
        int[] shapeIds = table.shapes().stream().mapToInt(catalog::shapeId).toArray();
        RowDecoder decoder = new RowDecoder(catalog);
        long events = 0;
        try (InputStream in = Files.newInputStream(file);
             DataFileStream<BaseRow> rows = new DataFileStream<>(in, new SpecificDatumReader<>(BaseRow.class))) {
            BaseRow row = null;
            while (rows.hasNext()) {
                row = rows.next(row);
                FoldPosition at = new FoldPosition(row.getLsn(), row.getTxOrder());
                byte[] keyBytes = bytes(row.getKey());
                String id = table.table() + ":" + Sha256.of(keyBytes).hex();
                if (row.getShape() < 0) {
                    // deleted by the cut: kept as a DELETE, so that a late older change of the key stays deleted
                    Optional<TableShape> keyed = keyShape(table).filter(k -> !k.keyColumns().isEmpty());
                    if (keyed.isEmpty()) {
                        continue;
                    }
                    each.accept(event(cut, table.table(), Op.DELETE, at, key(keyed.get(), decoder.key(keyBytes), null), null,
                            "deleted:" + id, null));
                    events++;
                    continue;
                }
                TableShape shape = table.shapes().get(row.getShape());
                Object[] values = decoder.row(keyBytes, FoldedVersion.live(at, shapeIds[row.getShape()], bytes(row.getValues())),
                        shapeIds[row.getShape()]);
                List<Column> after = new ArrayList<>(values.length);
                for (int i = 0; i < values.length; i++) {
                    after.add(new Column(shape.columns().get(i), shape.pgTypes().get(i), avroValue(values[i])));
                }
                each.accept(event(cut, table.table(), Op.READ, at, key(shape, decoder.key(keyBytes), after), after, "row:" + id, null));
                events++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read base table " + table.table() + " of tenant " + tenant + ": " + e.getMessage(), e);
        }
        unresolved.add(decoder.unresolved());
        return events;
    }

    /** The shape that names the table's key columns: its newest, else any. */
    private static Optional<TableShape> keyShape(BaseTable table) {
        if (table.finalShape() >= 0) {
            return Optional.of(table.shapes().get(table.finalShape()));
        }
        return table.shapes().stream().findFirst();
    }

    /**
     * The key columns by name, as capture sends them; none for a table without a key (capture sends none: the fold keys
     * such a row by all its columns itself), whose deleted rows then cannot be named and are left out.
     */
    private static List<Column> key(TableShape shape, Object[] keyValues, List<Column> after) {
        if (shape.keyColumns().isEmpty()) {
            return null;
        }
        List<Column> key = new ArrayList<>(keyValues.length);
        for (int i = 0; i < keyValues.length; i++) {
            String name = shape.keyColumns().get(i);
            key.add(new Column(name, shape.pgTypes().get(shape.indexOf(name)), avroValue(keyValues[i])));
        }
        return key;
    }

    private ChangeEvent event(BaseCut cut, String table, Op op, FoldPosition at, List<Column> key, List<Column> after, String id,
                              String definition) {
        long micros = cut.cutCommitMicros();
        // The base kept each change's place in the fold's order (its commit order where the change had one, else its LSN):
        // given as both, it stays that place; every transaction after the cut has a later one.
        return new ChangeEvent(tenant.value(), SOURCE, table, op, micros, at.lsn(), 0L, at.txOrder(), key, null, after,
                "moved-base:" + cut.cutCommitMicros() + "_" + cut.cutLsn() + ":" + id, null, micros, at.lsn(), definition, null);
    }

    private static Object avroValue(Object value) {
        return value instanceof byte[] bytes ? ByteBuffer.wrap(bytes) : value;
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] copy = new byte[buffer.remaining()];
        buffer.duplicate().get(copy);
        return copy;
    }

    private static Path staging() {
        try {
            return Files.createTempFile("strata-move-base-", ".avro");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stage a base table under " + System.getProperty("java.io.tmpdir") + ": "
                    + e.getMessage(), e);
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + file + ", a base table already copied: delete it by hand", e);
        }
    }
}
