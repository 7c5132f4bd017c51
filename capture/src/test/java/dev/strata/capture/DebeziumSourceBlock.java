package dev.strata.capture;

import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Op;
import io.debezium.connector.postgresql.Module;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

/**
 * The source and transaction blocks of Debezium's envelope for a Strata change event: the
 * connector's own schemas, each field filled with the value the PostgreSQL connector gives it for a
 * streamed change (its SourceInfo is made only from a replication stream), from what the event
 * carries. The database name is the scratch database's, not the captured one's.
 */
final class DebeziumSourceBlock {
    private final Schema source;
    private final Schema transaction;

    DebeziumSourceBlock(Schema source, Schema transaction) {
        this.source = source;
        this.transaction = transaction;
    }

    Struct source(ChangeEvent event, String database) {
        long micros = event.getCommitTsMicros();
        String[] table = event.getTable().split("\\.", 2);
        // Debezium's sequence: the last commit LSN before this change and the change's own LSN, as a JSON array of strings
        Long lastCommit = event.getPreviousCommitLsn();
        String sequence = "[" + (lastCommit == null ? "null" : "\"" + lastCommit + "\"") + ",\"" + event.getLsn() + "\"]";
        Map<String, Object> values = Map.ofEntries(Map.entry("version", Module.version()), Map.entry("connector", "postgresql"),
                Map.entry("name", event.getSource()), Map.entry("ts_ms", Math.floorDiv(micros, 1000L)),
                Map.entry("snapshot", event.getOp() == Op.READ ? "true" : "false"), Map.entry("db", database),
                Map.entry("sequence", sequence), Map.entry("ts_us", micros), Map.entry("ts_ns", micros * 1000L),
                Map.entry("schema", table[0]), Map.entry("table", table[table.length - 1]), Map.entry("txId", event.getTxId()),
                Map.entry("lsn", event.getLsn()));
        return filled(source, values::get);
    }

    /** Debezium's transaction block: the transaction's id (xid:LSN), the event's order in it and in its table. */
    Struct transaction(ChangeEvent event) {
        Map<String, Object> values = Map.of("id", event.getTxId() + ":" + event.getLsn(), "total_order", event.getTxOrder(),
                "data_collection_order", event.getTxOrder());
        return filled(transaction, values::get);
    }

    /** Every field of {@code schema} the connector fills; an optional one it leaves empty (xmin, origin) stays null. */
    private static Struct filled(Schema schema, Function<String, Object> values) {
        Struct struct = new Struct(schema);
        schema.fields().forEach(field -> {
            Object value = values.apply(field.name());
            if (value != null) {
                struct.put(field, value);
            }
        });
        struct.validate();
        return struct;
    }
}
