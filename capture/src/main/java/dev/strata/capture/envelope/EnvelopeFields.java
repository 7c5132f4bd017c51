package dev.strata.capture.envelope;

import java.util.Objects;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

/**
 * The fields of Debezium's change envelope (and of its {@code source} and {@code transaction} blocks)
 * for one value schema, looked up once. Why: {@code Struct.getString("op")} and its kin hash the
 * name and check the type on every call, a dozen times per change; a Field read is an array index.
 * Only for structs of the schema it was made for ({@link EnvelopeSchemas} keys it by that schema).
 * Not thread-safe (it keeps the last table name it joined): one per engine thread.
 */
public final class EnvelopeFields {
    private final Field op;
    private final Field source;
    private final Field before;
    private final Field after;
    private final Field transaction;
    private final Field schemaName;
    private final Field table;
    private final Field lsn;
    private final Field commitMicros;
    private final Field txId;
    private final Field sequence;
    private final Field totalOrder;
    private Object lastSchemaName;
    private Object lastTable;
    private String lastJoined;

    EnvelopeFields(Schema value) {
        op = value.field("op");
        source = value.field("source");
        before = value.field("before");
        after = value.field("after");
        transaction = value.field("transaction");
        Schema sourceSchema = source == null ? null : source.schema();
        schemaName = field(sourceSchema, "schema");
        table = field(sourceSchema, "table");
        lsn = field(sourceSchema, "lsn");
        commitMicros = field(sourceSchema, "ts_us");
        txId = field(sourceSchema, "txId");
        sequence = field(sourceSchema, "sequence");
        totalOrder = field(transaction == null ? null : transaction.schema(), "total_order");
    }

    private static Field field(Schema struct, String name) {
        return struct == null || struct.type() != Schema.Type.STRUCT ? null : struct.field(name);
    }

    /** Whether the schema is a change's (it has op and source): not a transaction marker's or a heartbeat's. */
    public boolean isChange() {
        return op != null && source != null;
    }

    /** Debezium's op code: c, u, d, r, t or m (a logical decoding message). Only for a change ({@link #isChange}). */
    public String op(Struct value) {
        return (String) value.get(op);
    }

    public Struct source(Struct value) {
        return (Struct) value.get(source);
    }

    /** The old row, or null (an INSERT, or a schema without one). */
    public Struct before(Struct value) {
        return before == null ? null : (Struct) value.get(before);
    }

    /** The new row, or null (a DELETE, or a schema without one). */
    public Struct after(Struct value) {
        return after == null ? null : (Struct) value.get(after);
    }

    /**
     * {@code schema.table} of the change's source block. Debezium passes new name strings with every change
     * (measured: one per event), but a run of changes has the same names, so the joined name of the last
     * change is reused while they are equal: one String, its hash computed once, for the lookups by table
     * that follow, and no concatenation per change.
     */
    public String table(Struct source) {
        Object schemaValue = source.get(schemaName);
        Object tableValue = source.get(table);
        if (lastJoined == null || !Objects.equals(schemaValue, lastSchemaName) || !Objects.equals(tableValue, lastTable)) {
            lastJoined = schemaValue + "." + tableValue;
            lastSchemaName = schemaValue;
            lastTable = tableValue;
        }
        return lastJoined;
    }

    /** The source's lsn, or null. */
    public Long lsn(Struct source) {
        return lsn == null ? null : (Long) source.get(lsn);
    }

    /** The source's ts_us (the commit time), or null. */
    public Long commitMicros(Struct source) {
        return commitMicros == null ? null : (Long) source.get(commitMicros);
    }

    /** The source's txId, or null. */
    public Long txId(Struct source) {
        return txId == null ? null : (Long) source.get(txId);
    }

    /** The source's sequence ({@code ["<last commit lsn>","<lsn>"]}), or null when absent. */
    public String sequence(Struct source) {
        return sequence == null ? null : (String) source.get(sequence);
    }

    /** The event's order inside its transaction ({@code transaction.total_order}); 0 without transaction metadata. */
    public long txOrder(Struct value) {
        Struct block = transaction == null ? null : (Struct) value.get(transaction);
        if (block == null) {
            return 0;
        }
        if (totalOrder == null) {
            throw new IllegalStateException("Debezium's transaction block " + block.schema().fields() + " has no total_order:"
                    + " a Debezium version capture does not know; pin the version capture was built with");
        }
        return (Long) block.get(totalOrder);
    }
}
