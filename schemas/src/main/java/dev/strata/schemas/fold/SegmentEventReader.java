package dev.strata.schemas.fold;

import dev.strata.schemas.TenantId;
import dev.strata.schemas.avro.Op;
import dev.strata.schemas.fold.bytes.ByteWriter;
import dev.strata.schemas.fold.definition.DefinitionHistory;
import dev.strata.schemas.fold.select.EventGate;
import dev.strata.schemas.fold.select.KeyInterest;
import dev.strata.schemas.fold.select.PriorRowGate;
import dev.strata.schemas.fold.select.TransactionFilter;
import dev.strata.schemas.segment.ForeignTenantException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;
import org.apache.avro.Schema;

/**
 * Reads (or walks over) one event of a segment per call, and hands its changes over by {@link FastSegmentDecoder}'s rules;
 * keeps the segment's scratch space. One per segment read.
 */
final class SegmentEventReader {
    private static final Op[] OPS = Op.values();
    private static final String CUT_FIELD = "cutTsMicros";
    private static final String COMMIT_ORDER_FIELD = "previousCommitLsn";
    private static final long NO_COMMIT_ORDER = Long.MIN_VALUE;
    private static final String DEFINITION_FIELD = "tableDefinition";
    private static final String COMMIT_LSN_FIELD = "commitLsn";
    private static final int NOT_SKIPPED = Integer.MIN_VALUE;
    /** What {@link #skipUnwanted} returns for a wanted change it walked over, to ask the interest at its position. */
    private static final int MAY_BE_SUPERSEDED = Integer.MIN_VALUE + 1;

    private final TenantId tenant;
    private final byte[] tenantBytes;
    private final ShapeCatalog catalog;
    private final long untilMicros;
    private final TransactionFilter transactions;
    private final DefinitionHistory definitions;
    private final Consumer<FoldOp> out;
    private final String source;
    private final KeyInterest interest;
    private final EventGate gate;
    /** The gate, when it takes old rows too; null for every read but a rollback's of the changes after its point. */
    private final PriorRowGate priors;
    final AvroCursor in = new AvroCursor();
    private final ColumnList key = new ColumnList();
    private final ColumnList before = new ColumnList();
    private final ColumnList after = new ColumnList();
    private final ByteWriter scratch = new ByteWriter(256);
    private final ByteWriter keyValues = new ByteWriter(256);
    private byte[] lastTable = new byte[0];
    private int lastTableId = -1;
    private final ShapeGuesses shapes;
    long events;
    long afterUntil;
    long snapshotRows;
    /**
     * The changes of the event just read, handed to the consumer by {@link #deliver} before the next event is read or
     * skipped (the order the fold and the key interest see is the log's). Not by {@link #read} or {@link #emit}: the JIT
     * inlines a consumer or gate of one class into the method that calls it, and one of another class sends that method
     * back to the interpreter and the compiler's queue. A rollback reads with other classes (the log after its point) than
     * a restore, after one in the same JVM or not; the method recompiled is then the decoder's small loop, not the read
     * with the row images, shapes and keys it inlines, ahead of the staging's own walk in the queue.
     */
    private final FoldOp[] pending = new FoldOp[2];
    private int pendingCount;
    /** The old row of the event just read, for {@link #priors}; handed over by {@link #deliver} too. */
    private FoldOp pendingPrior;

    // the event being read: its head (before the row images) and tail (after them)
    private int tableId;
    private Op op;
    private long commitTs;
    private long lsn;
    private long txId;
    private long txOrder;
    private long cutTs;
    private long previousCommitLsn;
    private String definition;

    SegmentEventReader(FastSegmentDecoder decoder, Consumer<FoldOp> out, String source, KeyInterest interest, EventGate gate) {
        this.tenant = decoder.tenant;
        this.tenantBytes = decoder.tenantBytes;
        this.catalog = decoder.catalog;
        this.shapes = new ShapeGuesses(decoder.catalog);
        this.untilMicros = decoder.untilMicros;
        this.transactions = decoder.transactions;
        this.definitions = decoder.definitions;
        this.out = out;
        this.source = source;
        this.interest = interest;
        this.gate = gate;
        this.priors = gate instanceof PriorRowGate p ? p : null;
    }

    /** Whether the writer's events end with cutTsMicros (v3); before v3 the cut is the commit time. */
    private boolean writerHasCut;
    /** Whether tableDefinition follows the cut time (v4). */
    private boolean writerHasDefinition;

    /** Whether the writer's events end with previousCommitLsn (v4). */
    private boolean writerHasCommitOrder;
    /** Whether commitLsn follows tableDefinition (v5). */
    private boolean writerHasCommitLsn;

    void setSchema(Schema schema) {
        // the layout is checked by the caller (supports); only the trailing fields differ between them
        writerHasCut = schema.getField(CUT_FIELD) != null;
        writerHasCommitOrder = schema.getField(COMMIT_ORDER_FIELD) != null;
        writerHasDefinition = schema.getField(DEFINITION_FIELD) != null;
        writerHasCommitLsn = schema.getField(COMMIT_LSN_FIELD) != null;
    }

    /**
     * Reads one event; its changes, if it is in the restore, wait for {@link #deliver} (decoded whole even when the gate
     * then refuses them: the gate is asked there, so that this method stays the same for every caller).
     *
     * @return whether it is in the restore (at or before the point, its transaction kept): then {@link #deliver} is called next
     */
    boolean read() throws IOException {
        readHead();
        shapes.expect(tableId, key, before, after);
        key.read(in);
        before.read(in, in.present());
        after.read(in);
        readTail();
        if (!counted()) {
            return false;
        }
        if (op != Op.DDL && op != Op.CHECKPOINT && op != Op.HEARTBEAT && op != Op.COMMIT) { // markers, never a row
            emit(tableId, op, position(previousCommitLsn, lsn), txOrder);
        }
        return true;
    }

    /** Hands the event just {@link #read} to the fold, if the gate (when there is one) lets it by. */
    void deliver() {
        if (gate != null && !gate.pass(op, tableId, commitTs, cutTs, txId, definition)) {
            Arrays.fill(pending, 0, pendingCount, null);
            pendingCount = 0;
            pendingPrior = null;
            return;
        }
        if (pendingPrior != null) {
            priors.prior(pendingPrior);
            pendingPrior = null;
        }
        if (op == Op.DDL) {
            // in the rows' order, so that a row after the DDL in its own transaction is read with it
            definitions.add(tableId, new FoldPosition(position(previousCommitLsn, lsn), txOrder), cutTs, definition);
        }
        for (int i = 0; i < pendingCount; i++) {
            out.accept(pending[i]);
            pending[i] = null;
        }
        pendingCount = 0;
    }

    /**
     * Walks over one event whose key the interest does not want, and reports it skipped; or one of a key the fold may hold
     * newer, which the interest then judges at its position (left to the fold, not reported).
     *
     * @return false, and nothing of the event read, when it is to be decoded ({@link #read})
     */
    boolean skip() throws IOException {
        int start = in.pos;
        readHead();
        shapes.expect(tableId, key, before, after);
        int skippedShape = skipUnwanted(tableId, op);
        if (skippedShape == NOT_SKIPPED) {
            in.pos = start;
            return false;
        }
        readTail();
        if (skippedShape == MAY_BE_SUPERSEDED) {
            if (inRestore() && !interest.supersedes(tableId, keyValues.array(), keyValues.size(), position(previousCommitLsn, lsn),
                    txOrder)) {
                in.pos = start; // the fold's row is older: decoded after all
                return false;
            }
            counted();
            return true;
        }
        if (counted()) {
            interest.skipped(tableId, skippedShape, position(previousCommitLsn, lsn), txOrder);
        }
        return true;
    }

    /** Whether the event just read is in the restore: at or before the point, its transaction kept. */
    private boolean inRestore() {
        return cutTs <= untilMicros && transactions.includes(txId);
    }

    /** Counts the event just read; whether it is in the restore: at or before the point, its transaction kept. */
    private boolean counted() {
        events++;
        if (!inRestore()) {
            afterUntil++; // a transaction the filter leaves out counts as past the restore point
            return false;
        }
        if (op == Op.READ) {
            snapshotRows++;
        }
        return true;
    }

    /** The event's fields before its row images; its tenant compared with the one being read. */
    private void readHead() throws IOException {
        int tenantLength = in.string();
        if (!in.stringEquals(tenantLength, tenantBytes)) {
            throw new ForeignTenantException(source, tenant, new String(in.buf, in.stringStart, tenantLength, StandardCharsets.UTF_8),
                    events);
        }
        in.string(); // source
        tableId = tableId(in.string());
        op = OPS[in.readInt()];
        commitTs = in.readLong();
        lsn = in.readLong();
        txId = in.readLong();
        txOrder = in.readLong();
    }

    /** The event's fields after its row images; then the event's bytes are checked to lie within the block. */
    private void readTail() throws IOException {
        in.string(); // eventId: (lsn, txOrder) carries the same identity, see KeyedVersions
        skipCheckpoint();
        cutTs = writerHasCut && in.present() ? in.readLong() : commitTs;
        previousCommitLsn = writerHasCommitOrder && in.present() ? in.readLong() : NO_COMMIT_ORDER;
        definition = writerHasDefinition && in.present() ? in.readString() : null;
        if (writerHasCommitLsn && in.present()) {
            in.readLong(); // a COMMIT's own LSN: the restore point's business (TransactionIndex), not the fold's
        }
        in.end(false); // before anything of the event is used
    }

    /**
     * Walks over the key and row images of a change whose key the interest does not want, or may find superseded,
     * reading only the key's values (and, when the interest needs an unwanted new image's shape, the key's names and the
     * image's names and types).
     *
     * @return the new image's shape (-1 for a DELETE, {@link KeyInterest#SHAPE_NOT_READ} when not asked for),
     *     {@link #MAY_BE_SUPERSEDED} for a wanted change, or {@link #NOT_SKIPPED} when the change is to be decoded (the
     *     caller reads it again from its start)
     */
    private int skipUnwanted(int tableId, Op op) throws IOException {
        if (!(op == Op.CREATE || op == Op.READ || op == Op.DELETE || op == Op.UPDATE)) {
            return NOT_SKIPPED;
        }
        int keyAt = in.pos;
        if (!in.present()) {
            return NOT_SKIPPED; // a keyless table's key is its whole image
        }
        ColumnList.readValuesOnly(in, keyValues, scratch); // as keyOf: the key the fold would file this change under
        boolean beforePresent = in.present();
        if (op == Op.UPDATE && beforePresent) {
            return NOT_SKIPPED;
        }
        boolean wanted = interest.wants(tableId, keyValues.array(), keyValues.size());
        if (wanted && !interest.mayBeSuperseded(tableId, keyValues.array(), keyValues.size())) {
            return NOT_SKIPPED;
        }
        ColumnList.skip(in, beforePresent);
        if (op == Op.DELETE) {
            ColumnList.skip(in, in.present());
            return wanted ? MAY_BE_SUPERSEDED : -1;
        }
        int afterAt = in.pos;
        if (!in.present()) {
            throw new IOException("a " + op + " of " + catalog.table(tableId) + " has no new row");
        }
        if (wanted || !interest.shapeNeeded(tableId)) { // a superseded image's shape: the fold's newer row's supersedes it
            ColumnList.skip(in, true);
            return wanted ? MAY_BE_SUPERSEDED : KeyInterest.SHAPE_NOT_READ;
        }
        in.pos = keyAt;
        key.read(in); // its names are part of the shape
        in.pos = afterAt;
        after.readShape(in);
        return catalog.shapeId(tableId, after, key);
    }

    /** As {@code CommitPosition}: the transaction's place in commit order where the event has it, else its LSN. */
    private static long position(long previousCommitLsn, long lsn) {
        return previousCommitLsn != NO_COMMIT_ORDER ? previousCommitLsn : lsn;
    }

    private void emit(int tableId, Op op, long lsn, long txOrder) throws IOException {
        if (op == Op.TRUNCATE) {
            pend(new FoldOp(tableId, -1, FoldOp.Kind.TRUNCATE, lsn, txOrder, null, null));
            return;
        }
        if (op == Op.DELETE) {
            ColumnList image = before.present ? before : key;
            if (!image.present) {
                throw new IOException("a DELETE of " + catalog.table(tableId) + " at lsn " + lsn + " has neither key nor old row");
            }
            int shapeId = image == key ? shapes.keyImageShapeId(tableId, key) : shapes.shapeId(tableId, image, key, false);
            byte[] oldKey = keyOf(image);
            if (priors != null && image == before) {
                pendingPrior = oldRow(tableId, shapeId, oldKey, lsn, txOrder);
            }
            pend(new FoldOp(tableId, shapeId, FoldOp.Kind.DELETE, lsn, txOrder, oldKey, KeyedVersions.version(lsn, txOrder, null)));
            return;
        }
        if (!after.present) {
            throw new IOException("a " + op + " of " + catalog.table(tableId) + " at lsn " + lsn + " has no new row");
        }
        // the old row's shape first: the new image's may replace the guess its layout is judged against
        int oldShapeId = priors != null && op == Op.UPDATE && before.present ? shapes.shapeId(tableId, before, key, false) : -1;
        int shapeId = shapes.shapeId(tableId, after, key, true);
        byte[] newKey = keyOf(after);
        if (op == Op.UPDATE && before.present) {
            byte[] oldKey = key.present ? keyFrom(before) : keyOf(before);
            if (oldKey != null && !Arrays.equals(oldKey, newKey)) {
                pend(new FoldOp(tableId, shapeId, FoldOp.Kind.DELETE, lsn, txOrder, oldKey, KeyedVersions.version(lsn, txOrder, null)));
            }
            if (priors != null && oldKey != null) {
                pendingPrior = oldRow(tableId, oldShapeId, oldKey, lsn, txOrder);
            }
        }
        scratch.reset();
        KeyedVersions.writeHeader(scratch, lsn, txOrder);
        scratch.writeVarLong(shapeId);
        scratch.writeVarLong(after.size);
        after.writeAll(scratch);
        pend(new FoldOp(tableId, shapeId, FoldOp.Kind.UPSERT, lsn, txOrder, newKey, scratch.toArray()));
    }

    /** The old row {@link #before} as an UPSERT of {@code oldKey}: the row the change at its position replaced. */
    private FoldOp oldRow(int tableId, int shapeId, byte[] oldKey, long lsn, long txOrder) {
        scratch.reset();
        KeyedVersions.writeHeader(scratch, lsn, txOrder);
        scratch.writeVarLong(shapeId);
        scratch.writeVarLong(before.size);
        before.writeAll(scratch);
        return new FoldOp(tableId, shapeId, FoldOp.Kind.UPSERT, lsn, txOrder, oldKey, scratch.toArray());
    }

    /** At most two per event: an UPDATE that changed its key gives the old key's DELETE, then the new key's UPSERT. */
    private void pend(FoldOp change) {
        pending[pendingCount++] = change;
    }

    /** The key's values; the whole image for a keyless table (as EventConverter.keyOf). */
    private byte[] keyOf(ColumnList image) {
        ColumnList values = key.present ? key : image;
        scratch.reset();
        scratch.writeVarLong(values.size);
        values.writeAll(scratch);
        return scratch.toArray();
    }

    /** The key columns' values as an old row holds them; null when it lacks one (as EventConverter.keyFrom). */
    private byte[] keyFrom(ColumnList image) {
        scratch.reset();
        scratch.writeVarLong(key.size);
        for (int i = 0; i < key.size; i++) {
            int at = image.indexOfName(key, i);
            if (at < 0) {
                return null;
            }
            image.writeValue(at, scratch);
        }
        return scratch.toArray();
    }

    /** The id of the table named by the string just read ({@code n} bytes). */
    private int tableId(int n) {
        if (lastTableId >= 0 && in.stringEquals(n, lastTable)) {
            return lastTableId;
        }
        lastTable = Arrays.copyOfRange(in.buf, in.stringStart, in.stringStart + n);
        lastTableId = catalog.tableId(new String(lastTable, StandardCharsets.UTF_8));
        return lastTableId;
    }

    private void skipCheckpoint() throws IOException {
        if (!in.present()) {
            return;
        }
        in.string(); // snapshot
        for (long n = in.arrayBlock(); n != 0; n = in.arrayBlock()) {
            for (long i = 0; i < n; i++) {
                in.string(); // table
                in.readLong(); // rowCount
                in.string(); // checksum
            }
        }
    }
}
