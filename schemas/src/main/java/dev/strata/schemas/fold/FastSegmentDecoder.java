package dev.strata.schemas.fold;

import dev.strata.schemas.TenantId;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Op;
import dev.strata.schemas.event.ReleasedSchema;
import dev.strata.schemas.event.ReleasedSchemaStore;
import dev.strata.schemas.fold.bytes.ByteWriter;
import dev.strata.schemas.fold.definition.DefinitionHistory;
import dev.strata.schemas.fold.keys.KeyInterest;
import dev.strata.schemas.segment.ForeignTenantException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.apache.avro.Schema;

/**
 * Decodes a segment written with the CURRENT ChangeEvent schema straight into {@link FoldOp}s,
 * without building ChangeEvent objects: Avro's generic reader costs several microseconds per event
 * (records, lists, strings for every column name), which would dominate a restore. Each data block
 * is decompressed ({@link SegmentBlocks}) and read in place ({@link AvroCursor}). The rules are those of
 * {@link EventConverter} (the cut by cut time, not commit time), which remains the path for segments
 * of older released schemas ({@link #supports} says which). The caller has already checked the
 * bytes' SHA-256.
 *
 * <p>Every event's tenant is compared with the tenant being read: a matching SHA-256 only says the
 * bytes are those their writer declared, and the writer key can put any tenant's segment under any
 * tenant's prefix. The comparison is of bytes, in the block, so it costs no allocation.
 *
 * <p>With a {@link KeyInterest} (a rollback's few keys) only a row change's key values are read
 * first; the change is read again from its key when it is to be decoded, and otherwise its row
 * images are walked over without decoding their values (Avro gives no length for a record, so the
 * walk reads each column's tags and lengths); the new image's column names and types are read, for
 * its shape, while the interest needs it. A change of an UPDATE with an old image is always
 * decoded: its old key, which may be wanted, is in that image; so is a change of a keyless table,
 * whose key is its whole image.
 */
public final class FastSegmentDecoder {
    private static final Op[] OPS = Op.values();
    private static final String CUT_FIELD = "cutTsMicros";
    private static final String COMMIT_ORDER_FIELD = "previousCommitLsn";
    private static final long NO_COMMIT_ORDER = Long.MIN_VALUE;
    private static final String DEFINITION_FIELD = "tableDefinition";
    private static final String COMMIT_LSN_FIELD = "commitLsn";
    private static final int NOT_SKIPPED = Integer.MIN_VALUE;

    private final TenantId tenant;
    private final byte[] tenantBytes;
    private final ShapeCatalog catalog;
    private final long untilMicros;
    private final TransactionFilter transactions;
    private final DefinitionHistory definitions;

    /** @param tenant the tenant whose segments are read: an event of any other is refused ({@link ForeignTenantException}) */
    public FastSegmentDecoder(TenantId tenant, ShapeCatalog catalog, long untilMicros) {
        this(tenant, catalog, untilMicros, TransactionFilter.ALL);
    }

    public FastSegmentDecoder(TenantId tenant, ShapeCatalog catalog, long untilMicros, TransactionFilter transactions) {
        this(tenant, catalog, untilMicros, transactions, new DefinitionHistory());
    }

    /** @param definitions receives the table definitions (DDL events) up to the restore point */
    public FastSegmentDecoder(TenantId tenant, ShapeCatalog catalog, long untilMicros, TransactionFilter transactions,
                              DefinitionHistory definitions) {
        this.definitions = definitions;
        this.tenant = tenant;
        this.tenantBytes = tenant.value().getBytes(StandardCharsets.UTF_8);
        this.catalog = catalog;
        this.untilMicros = untilMicros;
        this.transactions = transactions;
    }

    /** What one segment held. */
    public record Counts(long events, long afterUntil) {
    }

    /**
     * Judges each event at or before the point, once its fields are read and before its changes go to the consumer: a
     * rollback's read of the changes after its point asks of each its operation, cut time and transaction.
     */
    public interface EventGate {
        /**
         * @param definition a DDL event's table definition, else null
         * @return whether the event's changes go on to the consumer
         */
        boolean pass(Op op, int tableId, long commitTs, long cutTs, long txId, String definition);
    }

    /**
     * Released versions whose bytes this decoder reads: each later one only appended a branch or
     * symbol (v2 the column value union's Unsent, v3 the op HEARTBEAT, v4 the op DDL, v5 the op COMMIT), so every datum
     * an older writer wrote has the same encoding (enum and union indexes unchanged), or fields at the
     * end (v3 cutTsMicros, v4 previousCommitLsn and tableDefinition, v5 commitLsn), each read when the writer schema
     * has it (the cut taken as the commit time, the commit order as the LSN, no definition, when not;
     * see {@link Reader#setSchema}).
     */
    private static final List<Schema> SAME_LAYOUT = ReleasedSchemaStore.load().versions().stream()
            .filter(released -> released.version() <= 5).map(ReleasedSchema::schema).toList();

    /** Whether a segment's writer schema is one whose layout this decoder reads. */
    public static boolean supports(Schema writer) {
        return writer.equals(ChangeEvent.getClassSchema()) || SAME_LAYOUT.contains(writer);
    }

    /**
     * @return null when the segment was written with another schema or codec (use SegmentReader and EventConverter)
     * @throws ForeignTenantException at the first event of another tenant
     */
    public Counts decode(byte[] segment, String source, Consumer<FoldOp> out) {
        return decode(segment, source, out, null);
    }

    /**
     * As {@link #decode(byte[], String, Consumer)}, decoding only the changes of keys {@code interest} wants
     * (the others are reported to it as skipped); null: every change.
     */
    public Counts decode(byte[] segment, String source, Consumer<FoldOp> out, KeyInterest interest) {
        return decode(segment, source, out, interest, null);
    }

    /** As {@link #decode(byte[], String, Consumer, KeyInterest)}, each event first judged by {@code gate} (null: none). */
    public Counts decode(byte[] segment, String source, Consumer<FoldOp> out, KeyInterest interest, EventGate gate) {
        Reader reader = new Reader(out, source, interest, gate);
        try (SegmentBlocks blocks = new SegmentBlocks(segment)) {
            if (!blocks.readable() || !supports(blocks.schema())) {
                return null;
            }
            reader.setSchema(blocks.schema());
            if (interest == null) {
                readEvents(blocks, reader);
            } else {
                skipOrReadEvents(blocks, reader);
            }
        } catch (ForeignTenantException e) {
            throw e; // names the object already, and is no decoding failure
        } catch (IOException | RuntimeException e) {
            throw new UncheckedIOException(new IOException("segment " + source + " cannot be decoded although its SHA-256 matched: "
                    + e + " (the bytes its writer stored are damaged, or this tool has a bug: run restore-tool verify on the tenant,"
                    + " and report it)", e));
        }
        return new Counts(reader.events, reader.afterUntil);
    }

    /** Whole blocks, read in place: Avro's decoder would be asked once per value. */
    private static void readEvents(SegmentBlocks blocks, Reader reader) throws IOException {
        AvroCursor in = reader.in;
        while (blocks.next(in)) {
            for (long i = blocks.count(); i > 0; i--) {
                reader.read();
            }
            in.end(true);
        }
    }

    /**
     * As {@link #readEvents}, walking over the changes the interest does not want. A loop and a walk of their own, so
     * that the JIT compiles them apart from the whole read: in a JVM that restored before (the compiled read knows no
     * interest), a rollback's read then recompiles only this small walk, not the read it would otherwise deoptimize.
     */
    private static void skipOrReadEvents(SegmentBlocks blocks, Reader reader) throws IOException {
        AvroCursor in = reader.in;
        while (blocks.next(in)) {
            for (long i = blocks.count(); i > 0; i--) {
                if (!reader.skip()) {
                    reader.read();
                }
            }
            in.end(true);
        }
    }

    private record ShapeGuess(int shapeId, ColumnLayout columns, ColumnLayout key) {
    }

    /** Reads one event per call and emits its changes; keeps per-segment scratch space. */
    private final class Reader {
        private final Consumer<FoldOp> out;
        private final String source;
        private final KeyInterest interest;
        private final EventGate gate;
        final AvroCursor in = new AvroCursor();
        private final ColumnList key = new ColumnList();
        private final ColumnList before = new ColumnList();
        private final ColumnList after = new ColumnList();
        private final ByteWriter scratch = new ByteWriter(256);
        private final ByteWriter keyValues = new ByteWriter(256);
        private byte[] lastTable = new byte[0];
        private int lastTableId = -1;
        /** Per table id: the shape of its last new row image read, which its next change most likely has too. */
        private ShapeGuess[] guesses = new ShapeGuess[4];
        long events;
        long afterUntil;

        Reader(Consumer<FoldOp> out, String source, KeyInterest interest, EventGate gate) {
            this.out = out;
            this.source = source;
            this.interest = interest;
            this.gate = gate;
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

        /** Reads one event and emits its changes. */
        void read() throws IOException {
            readHead();
            expectShapeOf(tableId);
            key.read(in);
            before.read(in, in.present());
            after.read(in);
            readTail();
            events++;
            if (cutTs > untilMicros || !transactions.includes(txId)) {
                afterUntil++; // a transaction the filter leaves out counts as past the restore point
            } else if (gate != null && !gate.pass(op, tableId, commitTs, cutTs, txId, definition)) {
                return; // the gate's to count
            } else if (op == Op.DDL) {
                // in the rows' order, so that a row after the DDL in its own transaction is read with it
                definitions.add(tableId, new FoldPosition(position(previousCommitLsn, lsn), txOrder), cutTs, definition);
            } else if (op != Op.CHECKPOINT && op != Op.HEARTBEAT && op != Op.COMMIT) { // markers, never a row
                emit(tableId, op, position(previousCommitLsn, lsn), txOrder);
            }
        }

        /**
         * Walks over one event whose key the interest does not want, and reports it skipped.
         *
         * @return false, and nothing of the event read, when it is to be decoded ({@link #read})
         */
        boolean skip() throws IOException {
            int start = in.pos;
            readHead();
            expectShapeOf(tableId);
            int skippedShape = skipUnwanted(tableId, op);
            if (skippedShape == NOT_SKIPPED) {
                in.pos = start;
                return false;
            }
            readTail();
            events++;
            if (cutTs > untilMicros || !transactions.includes(txId)) {
                afterUntil++;
            } else if (gate == null || gate.pass(op, tableId, commitTs, cutTs, txId, definition)) {
                interest.skipped(tableId, skippedShape, position(previousCommitLsn, lsn), txOrder);
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
         * Walks over the key and row images of a change whose key the interest does not want, reading only the
         * key's values (and, when the interest needs the new image's shape, the key's names and the image's names and
         * types).
         *
         * @return the new image's shape (-1 for a DELETE, {@link KeyInterest#SHAPE_NOT_READ} when not asked for), or
         *     {@link #NOT_SKIPPED} when the change is to be decoded (the caller reads it again from its start)
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
            if ((op == Op.UPDATE && beforePresent) || interest.wants(tableId, keyValues.array(), keyValues.size())) {
                return NOT_SKIPPED;
            }
            ColumnList.skip(in, beforePresent);
            if (op == Op.DELETE) {
                ColumnList.skip(in, in.present());
                return -1;
            }
            int afterAt = in.pos;
            if (!in.present()) {
                throw new IOException("a " + op + " of " + catalog.table(tableId) + " has no new row");
            }
            if (!interest.shapeNeeded(tableId)) {
                ColumnList.skip(in, true);
                return KeyInterest.SHAPE_NOT_READ;
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
                out.accept(new FoldOp(tableId, -1, FoldOp.Kind.TRUNCATE, lsn, txOrder, null, null));
                return;
            }
            if (op == Op.DELETE) {
                ColumnList image = before.present ? before : key;
                if (!image.present) {
                    throw new IOException("a DELETE of " + catalog.table(tableId) + " at lsn " + lsn + " has neither key nor old row");
                }
                int shapeId = image == key ? catalog.shapeId(tableId, image, key) : shapeId(tableId, image);
                out.accept(new FoldOp(tableId, shapeId, FoldOp.Kind.DELETE, lsn, txOrder, keyOf(image),
                        KeyedVersions.version(lsn, txOrder, null)));
                return;
            }
            if (!after.present) {
                throw new IOException("a " + op + " of " + catalog.table(tableId) + " at lsn " + lsn + " has no new row");
            }
            int shapeId = shapeId(tableId, after);
            byte[] newKey = keyOf(after);
            if (op == Op.UPDATE && before.present) {
                byte[] oldKey = key.present ? keyFrom(before) : keyOf(before);
                if (oldKey != null && !Arrays.equals(oldKey, newKey)) {
                    out.accept(new FoldOp(tableId, shapeId, FoldOp.Kind.DELETE, lsn, txOrder, oldKey, KeyedVersions.version(lsn, txOrder, null)));
                }
            }
            scratch.reset();
            KeyedVersions.writeHeader(scratch, lsn, txOrder);
            scratch.writeVarLong(shapeId);
            scratch.writeVarLong(after.size);
            after.writeAll(scratch);
            out.accept(new FoldOp(tableId, shapeId, FoldOp.Kind.UPSERT, lsn, txOrder, newKey, scratch.toArray()));
        }

        private void expectShapeOf(int tableId) {
            ShapeGuess guess = tableId < guesses.length ? guesses[tableId] : null;
            key.expect(guess == null ? null : guess.key);
            before.expect(guess == null ? null : guess.columns);
            after.expect(guess == null ? null : guess.columns);
        }

        /** The shape of a row image (old or new) and the key just read: the guess when both were as expected, else the catalog's. */
        private int shapeId(int tableId, ColumnList image) {
            if (image.asExpected() && key.asExpected()) {
                return guesses[tableId].shapeId;
            }
            int shapeId = catalog.shapeId(tableId, image, key);
            if (image == after) { // an old image may be the key columns alone (REPLICA IDENTITY DEFAULT)
                if (tableId >= guesses.length) {
                    guesses = Arrays.copyOf(guesses, Math.max(tableId + 1, 2 * guesses.length));
                }
                guesses[tableId] = new ShapeGuess(shapeId, ColumnLayout.of(after), ColumnLayout.of(key));
            }
            return shapeId;
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
}
