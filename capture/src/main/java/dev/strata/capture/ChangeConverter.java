package dev.strata.capture;

import dev.strata.capture.order.CutClock;
import dev.strata.capture.order.CommitOrder;
import dev.strata.capture.order.TransactionCommits;
import dev.strata.capture.checkpoint.CheckpointMessage;
import dev.strata.capture.ddl.DdlMessage;
import dev.strata.capture.envelope.EnvelopeFields;
import dev.strata.capture.envelope.EnvelopeSchemas;
import dev.strata.capture.heartbeat.HeartbeatMessage;
import dev.strata.capture.heartbeat.KnownTenants;
import dev.strata.capture.pg.ColumnTypes;
import dev.strata.capture.pg.PgColumnType;
import dev.strata.capture.pg.PgValueCodec;
import dev.strata.capture.pg.TableShape;
import dev.strata.capture.pg.UnrepresentableValueException;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Column;
import dev.strata.schemas.avro.Op;
import dev.strata.schemas.avro.Unsent;
import dev.strata.schemas.kafka.DeadLetterReason;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;
import java.util.StringJoiner;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Turns one Debezium record into what capture does with it: a ChangeEvent to publish (or the
 * CHECKPOINT events of a {@link CheckpointMessage}, or the HEARTBEAT events of a
 * {@link HeartbeatMessage}, one per {@link KnownTenants known tenant}, or the DDL events of a
 * {@link DdlMessage}, or at a transaction's END the COMMIT events of {@link TransactionCommits}),
 * a dead letter with its reason, Debezium's heartbeat, or
 * a transaction marker (BEGIN, or the END of a transaction that changed no tenant: not forwarded as
 * data), like a row of the signal table.
 *
 * <p>The eventId is the dedupe key and must come out the same when Debezium delivers the record
 * again after a crash: {@code <lsn>:<txOrder>} for a streamed change (a multi-table TRUNCATE gives
 * several events one LSN, the order inside the transaction tells them apart), and
 * {@code r:<snapshot lsn>:<table>:<key>} for a row of the initial snapshot.
 */
final class ChangeConverter {
    private static final String HEARTBEAT_TOPIC_PREFIX = "__debezium-heartbeat";
    /** Debezium's op of a logical decoding message (pg_logical_emit_message). */
    static final String LOGICAL_MESSAGE = "m";
    private static final String OFFSET_LSN = "lsn";
    private static final String OFFSET_TIME = "ts_usec";

    sealed interface Conversion permits Publish, DeadLetter, Heartbeat, Marker {
    }

    /** One event; two when an UPDATE moves a row to another tenant (a DELETE for the old one, a CREATE for the new). */
    record Publish(List<ChangeEvent> events) implements Conversion {
        Publish(ChangeEvent event) {
            this(List.of(event));
        }
    }

    /** @param tenant null when the tenant is what could not be resolved */
    record DeadLetter(DeadLetterReason reason, String detail, String tenant, String table, long lsn, long commitTsMicros,
            long txId, String op) implements Conversion {
    }

    record Heartbeat(long atMillis) implements Conversion {
    }

    record Marker() implements Conversion {
    }

    private final String source;
    private final TenantResolver tenants;
    private final ColumnTypes types;
    private final KnownTenants known;
    private final CutClock cuts;
    private final String signalTable;
    private final CommitOrder commits = new CommitOrder();
    private final TransactionCommits ends = new TransactionCommits();
    private final DdlMessage definitions;
    private final LogicalMessages messages;
    private final EnvelopeSchemas envelopes = new EnvelopeSchemas();

    ChangeConverter(String source, TenantResolver tenants, ColumnTypes types, KnownTenants known) {
        this(source, tenants, types, known, new CutClock(Long.MIN_VALUE));
    }

    ChangeConverter(String source, TenantResolver tenants, ColumnTypes types, KnownTenants known, CutClock cuts) {
        this(source, tenants, types, known, cuts, null, null);
    }

    /**
     * @param known told of every tenant a change is published for; asked for the tenants of each heartbeat
     * @param cuts the running cut time: this converter is its only user and sees every record in delivery order
     * @param definitions turns table definitions into DDL events; null when schema history is off (they are then not data)
     */
    ChangeConverter(String source, TenantResolver tenants, ColumnTypes types, KnownTenants known, CutClock cuts, String signalTable) {
        this(source, tenants, types, known, cuts, signalTable, null);
    }

    /** @param signalTable Debezium's signal table, schema.table: its rows are requests to Debezium, not data */
    ChangeConverter(String source, TenantResolver tenants, ColumnTypes types, KnownTenants known, CutClock cuts, String signalTable,
            DdlMessage definitions) {
        this.definitions = definitions;
        this.messages = new LogicalMessages(source, known, definitions);
        this.source = source;
        this.signalTable = signalTable;
        this.tenants = tenants;
        this.types = types;
        this.known = known;
        this.cuts = cuts;
    }

    /** The logical server name, ChangeEvent.source. */
    String source() {
        return source;
    }

    Conversion convert(SourceRecord record) {
        EnvelopeFields fields = record.value() instanceof Struct value ? envelopes.of(value.schema()) : null;
        Conversion conversion = convertRecord(record, fields);
        OptionalLong cut = commitRecordCut(record, fields);
        if (conversion instanceof Publish publish && definitions != null) {
            conversion = withDefinitionsOfNewTenants(publish);
        }
        if (conversion instanceof Publish publish) {
            Long previousCommit = null;
            OptionalLong snapshotCut = initialSnapshotCut(record, fields, publish);
            for (ChangeEvent event : publish.events()) {
                known.changed(event.getTenant());
                event.setCutTsMicros(cutOf(event, cut, snapshotCut));
                if (event.getOp() == Op.READ) {
                    commits.snapshotRow(event.getLsn());
                } else if (event.getOp() != Op.CHECKPOINT) { // a checkpoint is no transaction
                    previousCommit = previousCommit != null ? previousCommit
                            : commits.of(fields.sequence(fields.source((Struct) record.value())), event.getTxId(), event.getLsn());
                    event.setPreviousCommitLsn(previousCommit);
                }
                ends.published(event);
            }
        } else if (conversion instanceof Marker && record.value() instanceof Struct marker) {
            List<ChangeEvent> commitEvents = ends.marker(marker, record.sourceOffset());
            if (!commitEvents.isEmpty()) {
                return new Publish(commitEvents);
            }
        }
        return conversion;
    }

    /** @param snapshotCut for every event published with a row of the initial snapshot, the definitions before it too */
    private long cutOf(ChangeEvent event, OptionalLong commitCut, OptionalLong snapshotCut) {
        if (event.getOp() == Op.CHECKPOINT) {
            return cuts.between(event.getCommitTsMicros());
        }
        if (snapshotCut.isPresent()) {
            return snapshotCut.getAsLong();
        }
        return commitCut.orElse(event.getCommitTsMicros()); // rows of a blocking or incremental snapshot: their own time
    }

    /**
     * The cut of a row of the initial snapshot, as Debezium's offset marks it (not a blocking snapshot's, whose rows carry
     * the LSN where streaming paused, before what streams again after them, nor an incremental one's); else empty.
     */
    private OptionalLong initialSnapshotCut(SourceRecord record, EnvelopeFields fields, Publish publish) {
        if (fields == null || !fields.isChange() || !"r".equals(fields.op((Struct) record.value()))
                || !StreamingWatch.inInitialSnapshot(record)) {
            return OptionalLong.empty();
        }
        ChangeEvent row = publish.events().get(publish.events().size() - 1); // after the definitions published before it
        return OptionalLong.of(cuts.snapshotRow(row.getLsn(), row.getCommitTsMicros()));
    }

    /** A tenant's first row change since capture started is preceded by the definitions in force (see DdlMessage#forNewTenant). */
    private Publish withDefinitionsOfNewTenants(Publish publish) {
        List<ChangeEvent> events = null; // made only when a definition comes first: nearly every change has none
        List<ChangeEvent> published = publish.events();
        for (int i = 0; i < published.size(); i++) {
            ChangeEvent event = published.get(i);
            List<ChangeEvent> before = event.getOp() == Op.DDL || event.getOp() == Op.CHECKPOINT || event.getOp() == Op.HEARTBEAT
                    ? List.of()
                    : definitions.forNewTenant(event.getTenant(), event.getLsn(), event.getTxOrder(), event.getTxId(),
                            event.getCommitTsMicros());
            if (events == null && !before.isEmpty()) {
                events = new ArrayList<>(published.subList(0, i));
            }
            if (events != null) {
                events.addAll(before);
                events.add(event);
            }
        }
        return events == null ? publish : new Publish(events);
    }

    /**
     * The cut time of a record that belongs to a transaction with a commit record (a streamed change,
     * dead-lettered or not, or a transactional logical message such as a heartbeat, published or not):
     * each moves the {@link CutClock}. Empty for what has none: snapshot rows, non-transactional
     * messages (checkpoints), Debezium's heartbeats and transaction markers.
     */
    private OptionalLong commitRecordCut(SourceRecord record, EnvelopeFields fields) {
        if (record.topic().startsWith(HEARTBEAT_TOPIC_PREFIX) || !(record.value() instanceof Struct value)
                || !fields.isChange() || "r".equals(fields.op(value))) {
            return OptionalLong.empty();
        }
        Struct sourceInfo = fields.source(value);
        Long commitMicros = fields.commitMicros(sourceInfo);
        boolean message = LOGICAL_MESSAGE.equals(fields.op(value));
        // a checkpoint is emitted non-transactionally on purpose: whatever Debezium reports for it, no commit record
        boolean transactional = !message || fields.txId(sourceInfo) != null && !isCheckpoint(value.getStruct("message"));
        return commitMicros == null || !transactional ? OptionalLong.empty() : OptionalLong.of(cuts.committed(commitMicros));
    }

    private Conversion convertRecord(SourceRecord record, EnvelopeFields fields) {
        if (record.topic().startsWith(HEARTBEAT_TOPIC_PREFIX)) {
            Struct heartbeat = (Struct) record.value();
            return new Heartbeat(heartbeat.getInt64("ts_ms"));
        }
        Struct value = (Struct) record.value();
        if (value == null || !fields.isChange()) {
            return new Marker(); // transaction BEGIN/END on <name>.transaction
        }
        if (LOGICAL_MESSAGE.equals(fields.op(value))) {
            return messages.convert(value);
        }
        Op op = op(fields.op(value));
        if (op == null) {
            return new Marker();
        }
        Struct sourceInfo = fields.source(value);
        String table = fields.table(sourceInfo);
        if (table.equals(signalTable)) {
            return new Marker();
        }
        // a row of an incremental snapshot has no LSN of its own: it is emitted where its chunk's window closes in the
        // stream, after the changes before it (and instead of none of the window's: Debezium drops a row changed there)
        long lsn = orOffset(fields.lsn(sourceInfo), record, OFFSET_LSN);
        long commitTsMicros = orOffset(fields.commitMicros(sourceInfo), record, OFFSET_TIME);
        Long txId = fields.txId(sourceInfo);
        long tx = txId == null ? -1 : txId;
        Struct before = fields.before(value);
        Struct after = fields.after(value);
        Struct row = after != null ? after : before;
        TableShape shape = types.shape(table, row == null ? null : row.schema());

        TenantResolver.Resolution resolution = tenants.resolve(table, shape.hasColumn(tenants.tenantColumn()),
                row == null ? null : rowView(row, row == before ? shape : null));
        if (resolution instanceof TenantResolver.Unresolved unresolved) {
            return new DeadLetter(unresolved.reason(), unresolved.detail(), null, table, lsn, commitTsMicros, tx, op.name());
        }
        String tenant = ((TenantResolver.Tenant) resolution).id();
        List<Column> key;
        List<Column> beforeColumns;
        List<Column> afterColumns;
        try {
            key = columns(shape, table, (Struct) record.key(), null, false);
            beforeColumns = columns(shape, table, before, shape, false);
            afterColumns = columns(shape, table, after, null, op == Op.UPDATE);
        } catch (UnrepresentableValueException e) {
            return new DeadLetter(DeadLetterReason.UNREPRESENTABLE_VALUE, e.getMessage(), tenant, table, lsn, commitTsMicros,
                    tx, op.name());
        }
        long txOrder = fields.txOrder(value);
        String eventId = op == Op.READ
                ? "r:" + lsn + ":" + table + ":" + keyText(key != null ? key : afterColumns)
                : lsn + ":" + txOrder;
        // the all-fields constructor: the builder validates and copies, measurably slower per event
        ChangeEvent event = new ChangeEvent(tenant, source, table, op, commitTsMicros, lsn, tx, txOrder, key, beforeColumns,
                afterColumns, eventId, null, null, null, null, null);
        String previousTenant = op == Op.UPDATE && before != null ? previousTenant(table, shape, before, tenant) : null;
        if (previousTenant == null) {
            return new Publish(event);
        }
        // the row leaves one tenant's backup and enters another's: each restore must see that on its own
        return new Publish(List.of(
                new ChangeEvent(previousTenant, source, table, Op.DELETE, commitTsMicros, lsn, tx, txOrder, key, beforeColumns,
                        null, eventId, null, null, null, null, null),
                new ChangeEvent(tenant, source, table, Op.CREATE, commitTsMicros, lsn, tx, txOrder, key, null, afterColumns,
                        eventId, null, null, null, null, null)));
    }

    /** The source field, else the record's offset entry (Debezium's PostgresOffsetContext keys). */
    private static long orOffset(Long fromSource, SourceRecord record, String offsetKey) {
        if (fromSource != null) {
            return fromSource;
        }
        Object stored = record.sourceOffset() == null ? null : record.sourceOffset().get(offsetKey);
        if (!(stored instanceof Number number)) {
            throw new IllegalStateException("Debezium sent a change of " + record.topic() + " with neither a source " + offsetKey
                    + " nor one in its offset " + record.sourceOffset() + ": this Debezium version is not supported");
        }
        return number.longValue();
    }

    static boolean isCheckpoint(Struct message) {
        return message != null && CheckpointMessage.PREFIX.equals(message.getString("prefix"));
    }

    /** The tenant of an UPDATE's old row when it differs from the new row's, else null. */
    private String previousTenant(String table, TableShape shape, Struct before, String tenant) {
        TenantResolver.Resolution old = tenants.resolve(table, shape.hasColumn(tenants.tenantColumn()), rowView(before, shape));
        return old instanceof TenantResolver.Tenant t && !t.id().equals(tenant) ? t.id() : null;
    }

    private static Op op(String code) {
        return switch (code) {
            case "c" -> Op.CREATE;
            case "u" -> Op.UPDATE;
            case "d" -> Op.DELETE;
            case "r" -> Op.READ;
            case "t" -> Op.TRUNCATE;
            default -> null;
        };
    }

    /**
     * @param oldRowOf the table's shape when {@code struct} is an old row: only the columns Postgres
     *     sends in it (its replica identity) are taken; Debezium fills the others with NULL, which
     *     would read as data
     * @param mayBeUnsent whether {@code struct} is the new row of an UPDATE, where Postgres leaves out
     *     unchanged TOAST values (REPLICA IDENTITY DEFAULT): they become {@link Unsent#UNCHANGED}
     *     for the fold to fill, never a dead letter
     */
    private List<Column> columns(TableShape shape, String table, Struct struct, TableShape oldRowOf, boolean mayBeUnsent) {
        if (struct == null) {
            return null;
        }
        List<Field> fields = struct.schema().fields();
        ColumnTypes.Typed typed = types.typesOf(shape, struct.schema());
        List<Column> columns = new ArrayList<>(fields.size());
        for (int i = 0; i < typed.types().length; i++) {
            Field field = fields.get(i);
            if (!sent(oldRowOf, field.name())) {
                continue;
            }
            PgColumnType type = typed.types()[i] != null ? typed.types()[i] : ColumnTypes.typeOf(shape, field);
            Object encoded;
            try {
                encoded = PgValueCodec.encode(type, typed.kinds()[i], field.schema(), struct.get(field));
            } catch (UnrepresentableValueException | ClassCastException | ArithmeticException | java.time.DateTimeException e) {
                throw new UnrepresentableValueException("column " + field.name() + " (" + type.declared() + ") of " + table
                        + ": " + e.getMessage());
            }
            if (encoded == Unsent.UNCHANGED && !mayBeUnsent) {
                // Postgres leaves out unchanged TOAST values only in the new row of an UPDATE: elsewhere there is no previous value
                throw new UnrepresentableValueException("column " + field.name() + " (" + type.declared() + ") of " + table
                        + ": an unchanged TOAST value that Postgres did not send, outside the new row of an UPDATE");
            }
            columns.add(new Column(field.name(), type.declared(), encoded));
        }
        return columns;
    }

    /** Whether Postgres sent {@code column} in an old row of this shape (always true for a new row, null shape). */
    private static boolean sent(TableShape oldRowOf, String column) {
        return oldRowOf == null || oldRowOf.columns().isEmpty() || oldRowOf.oldRowCarries(column);
    }

    private static TenantResolver.Row rowView(Struct row, TableShape oldRowOf) {
        return new TenantResolver.Row() {
            @Override
            public boolean has(String column) {
                return row.schema().field(column) != null && sent(oldRowOf, column);
            }

            @Override
            public Object get(String column) {
                return row.get(column);
            }
        };
    }

    /** Deterministic text of the key columns: the same row of the same snapshot gives the same id. */
    static String keyText(List<Column> key) {
        if (key == null) {
            return "";
        }
        StringJoiner text = new StringJoiner(",");
        for (Column column : key) {
            Object value = column.getValue();
            String shown = value instanceof ByteBuffer bytes ? "\\x" + HexFormat.of().formatHex(copy(bytes)) : String.valueOf(value);
            // length-prefixed: no text value can make two different keys read the same
            text.add(column.getName() + "=" + shown.length() + ":" + shown);
        }
        return text.toString();
    }

    static byte[] copy(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
