package dev.strata.schemas.fold;

import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Column;
import dev.strata.schemas.avro.Op;
import dev.strata.schemas.event.CommitPosition;
import dev.strata.schemas.event.CutTime;
import dev.strata.schemas.fold.bytes.ByteWriter;
import dev.strata.schemas.fold.definition.DefinitionHistory;
import dev.strata.schemas.fold.select.TransactionFilter;

import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Turns decoded ChangeEvents into {@link FoldOp}s, keeping only the transactions in the restore to
 * the restore point: those whose {@link CutTime cut time} is at or before it, PostgreSQL's
 * {@code recovery_target_time} (a commit time alone would keep a transaction whose commit record
 * comes after a later-timed one in the WAL). A transaction's events share one cut time, so the cut
 * keeps whole transactions only. A row's versions are ordered by {@link CommitPosition}: commit
 * order where the event carries it. Thread-safe (one ByteWriter per thread).
 *
 * <p>The row key is the event's key columns; a table without a key (REPLICA IDENTITY FULL) is keyed
 * by its whole row. An UPDATE whose old image has other key values than its key also removes the
 * old key (Debezium normally sends such an update as DELETE + CREATE; both forms fold the same).
 */
public final class EventConverter {
    public enum Outcome {
        FOLDED,
        AFTER_UNTIL,
        MARKER
    }

    private final ShapeCatalog catalog;
    private final long untilMicros;
    private final TransactionFilter transactions;
    private final DefinitionHistory definitions;
    private final ThreadLocal<ByteWriter> writer = ThreadLocal.withInitial(() -> new ByteWriter(256));

    public EventConverter(ShapeCatalog catalog, long untilMicros) {
        this(catalog, untilMicros, TransactionFilter.ALL);
    }

    public EventConverter(ShapeCatalog catalog, long untilMicros, TransactionFilter transactions) {
        this(catalog, untilMicros, transactions, new DefinitionHistory());
    }

    /** @param definitions receives the table definitions (DDL events) up to the restore point */
    public EventConverter(ShapeCatalog catalog, long untilMicros, TransactionFilter transactions, DefinitionHistory definitions) {
        this.definitions = definitions;
        this.catalog = catalog;
        this.untilMicros = untilMicros;
        this.transactions = transactions;
    }

    public Outcome convert(ChangeEvent event, Consumer<FoldOp> out) {
        if (CutTime.of(event) > untilMicros || !transactions.includes(event.getTxId())) {
            return Outcome.AFTER_UNTIL;
        }
        Op op = event.getOp();
        if (op == Op.CHECKPOINT || op == Op.HEARTBEAT || op == Op.COMMIT) {
            return Outcome.MARKER; // a drill's snapshot, a durable-point proof or a transaction's end: never a row
        }
        int tableId = catalog.tableId(event.getTable());
        long lsn = CommitPosition.of(event); // the fold's order: commit order where the event has it
        long txOrder = event.getTxOrder();
        if (op == Op.DDL) {
            definitions.add(tableId, new FoldPosition(lsn, txOrder), CutTime.of(event), event.getTableDefinition());
            return Outcome.MARKER; // a definition, never a row
        }
        if (op == Op.TRUNCATE) {
            out.accept(new FoldOp(tableId, -1, FoldOp.Kind.TRUNCATE, lsn, txOrder, null, null));
            return Outcome.FOLDED;
        }
        List<Column> key = event.getKey();
        List<Column> before = event.getBefore();
        List<Column> after = event.getAfter();
        if (op == Op.DELETE) {
            List<Column> image = before != null ? before : key;
            if (image == null) {
                throw new IllegalArgumentException("DELETE event " + event.getEventId() + " of " + event.getTable()
                        + " has neither key nor old row: it cannot be folded");
            }
            int shapeId = catalog.shapeId(tableId, image, key);
            out.accept(new FoldOp(tableId, shapeId, FoldOp.Kind.DELETE, lsn, txOrder, keyOf(key, image),
                    KeyedVersions.version(lsn, txOrder, null)));
            return Outcome.FOLDED;
        }
        if (after == null) {
            throw new IllegalArgumentException(op + " event " + event.getEventId() + " of " + event.getTable() + " has no new row");
        }
        int shapeId = catalog.shapeId(tableId, after, key);
        byte[] newKey = keyOf(key, after);
        if (op == Op.UPDATE && before != null) {
            byte[] oldKey = key == null ? keyOf(null, before) : keyFrom(key, before);
            if (oldKey != null && !Arrays.equals(oldKey, newKey)) {
                out.accept(new FoldOp(tableId, shapeId, FoldOp.Kind.DELETE, lsn, txOrder, oldKey, KeyedVersions.version(lsn, txOrder, null)));
            }
        }
        out.accept(new FoldOp(tableId, shapeId, FoldOp.Kind.UPSERT, lsn, txOrder, newKey, version(lsn, txOrder, shapeId, after)));
        return Outcome.FOLDED;
    }

    /** The key's values; the whole image for a keyless table. */
    private byte[] keyOf(List<Column> key, List<Column> image) {
        List<Column> values = key != null ? key : image;
        ByteWriter w = writer.get();
        w.reset();
        w.writeVarLong(values.size());
        values.forEach(c -> RowCodec.writeValue(w, c.getValue()));
        return w.toArray();
    }

    /** The key columns' values as {@code image} (an old row) holds them; null when it lacks one. */
    private byte[] keyFrom(List<Column> key, List<Column> image) {
        ByteWriter w = writer.get();
        w.reset();
        w.writeVarLong(key.size());
        for (Column k : key) {
            Column found = find(image, k.getName());
            if (found == null) {
                return null;
            }
            RowCodec.writeValue(w, found.getValue());
        }
        return w.toArray();
    }

    private static Column find(List<Column> image, String name) {
        for (Column c : image) {
            if (c.getName().equals(name)) {
                return c;
            }
        }
        return null;
    }

    private byte[] version(long lsn, long txOrder, int shapeId, List<Column> after) {
        ByteWriter w = writer.get();
        w.reset();
        KeyedVersions.writeHeader(w, lsn, txOrder);
        w.writeVarLong(shapeId);
        w.writeVarLong(after.size());
        after.forEach(c -> RowCodec.writeValue(w, c.getValue()));
        return w.toArray();
    }
}
