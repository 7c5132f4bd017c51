package dev.strata.capture;

import dev.strata.capture.pg.PgTextConverter;
import io.debezium.connector.postgresql.PostgresConnector;
import java.util.Properties;

/**
 * The Debezium settings capture runs with, each with the reason it is chosen. Exactness first:
 * every setting that would drop, round or reshape a value is set to keep it.
 */
public final class DebeziumSettings {
    /**
     * Debezium writes this in place of a TOASTed value that Postgres did not send (an UPDATE that
     * left it unchanged under REPLICA IDENTITY DEFAULT). It starts and ends with NUL, which no
     * Postgres text value can contain, so it can never be mistaken for data.
     */
    public static final String UNAVAILABLE_PLACEHOLDER = "\u0000strata-unchanged-toast\u0000";
    static final String TEXT_CONVERTER = "strata_text";

    private DebeziumSettings() {
    }

    static Properties of(CaptureConfig config) {
        Properties p = new Properties();
        p.setProperty("name", config.name());
        p.setProperty("connector.class", PostgresConnector.class.getName());
        p.setProperty("topic.prefix", config.name());
        p.setProperty("tasks.max", "1");

        p.setProperty("database.hostname", config.databaseHost());
        p.setProperty("database.port", Integer.toString(config.databasePort()));
        p.setProperty("database.dbname", config.databaseName());
        p.setProperty("database.user", config.databaseUser());
        p.setProperty("database.password", config.databasePassword());

        // logical decoding with the built-in plugin, over the publication CapturedTables made to cover the selection
        // (also the tables created later): Debezium's "filtered" mode would publish only the tables existing at its start
        p.setProperty("plugin.name", "pgoutput");
        p.setProperty("slot.name", config.slot());
        p.setProperty("slot.drop.on.stop", "false");
        p.setProperty("publication.name", config.publication());
        p.setProperty("publication.autocreate.mode", "disabled");
        p.setProperty("table.include.list", config.tableSelection().debeziumIncludeList());
        // incremental snapshots of tables added to the selection, requested in the signal table and read back from the WAL;
        // Debezium's window marks are deleted again, so the table stays small
        p.setProperty("signal.data.collection", config.signalTable());
        p.setProperty("signal.enabled.channels", "source");
        p.setProperty("incremental.snapshot.watermarking.strategy", "insert_delete");
        p.setProperty("snapshot.mode", config.snapshotMode());
        // ACCESS SHARE locks on every captured table from before the snapshot reads their columns until
        // it ends: a DDL (or TRUNCATE) on a table waits for the snapshot instead of failing it. A failed
        // snapshot is retried, but not where it stopped: the retry reads the tables anew at a later LSN
        // without the slot's exported snapshot, so the changes committed in between arrive only folded
        // into its rows, never as change events, and the first attempt's rows stay in Kafka under other
        // eventIds. Readers and writers are not blocked, and the snapshot's SELECTs hold the same lock on
        // every table they have read anyway; "none" only leaves the tables not read yet open to DDL.
        p.setProperty("snapshot.locking.mode", "shared");

        // BEGIN/END markers and transaction.total_order: the txOrder half of every eventId
        p.setProperty("provide.transaction.metadata", "true");
        // the default skips TRUNCATE ("t") silently
        p.setProperty("skipped.operations", "none");
        // a DELETE is one event, not an event and a null-valued tombstone
        p.setProperty("tombstones.on.delete", "false");
        // an idle database still moves the slot and the offsets forward, and the lag metric stays true
        p.setProperty("heartbeat.interval.ms", Integer.toString(config.heartbeatIntervalMs()));

        // exact values: numeric as its decimal text (also NaN and +-Infinity), times in microseconds,
        // intervals as ISO 8601 with every field kept, bytea as bytes
        p.setProperty("decimal.handling.mode", "string");
        p.setProperty("time.precision.mode", "adaptive_time_microseconds");
        p.setProperty("interval.handling.mode", "string");
        p.setProperty("binary.handling.mode", "bytes");
        p.setProperty("hstore.handling.mode", "json");
        // keep columns of types Debezium does not know instead of dropping them from the row;
        // PgValueCodec then refuses their values explicitly (dead letter), never silently
        p.setProperty("include.unknown.datatypes", "true");
        p.setProperty("unavailable.value.placeholder", UNAVAILABLE_PLACEHOLDER);
        // the declared type of each column travels with the schema: the fallback for pgType
        p.setProperty("column.propagate.source.type", ".*");
        // arrays, timetz and date as Postgres text (Debezium's list conversion drops array bounds and
        // dimensions, its timetz conversion drops the offset, its snapshot drops the era of BC dates)
        p.setProperty("converters", TEXT_CONVERTER);
        p.setProperty(TEXT_CONVERTER + ".type", PgTextConverter.class.getName());

        // offsets in Kafka (Connect's KafkaOffsetBackingStore), next to the data they describe, not in a local file
        p.setProperty("offset.storage", KafkaOffsetStore.class.getName());
        p.setProperty("offset.storage.topic", config.offsetsTopic());
        p.setProperty("offset.storage.partitions", "1");
        p.setProperty("offset.storage.replication.factor", Short.toString(config.topicReplication()));
        p.setProperty("offset.flush.interval.ms", Integer.toString(config.offsetsFlushIntervalMs()));
        config.kafkaClient().forEach((key, value) -> p.setProperty((String) key, (String) value));

        // throughput on 2 cores (proven: 8192/32768/10 ms); per-event latency statistics cost CPU under load
        p.setProperty("max.batch.size", Integer.toString(config.batchSize()));
        p.setProperty("max.queue.size", Integer.toString(config.queueSize()));
        p.setProperty("poll.interval.ms", Integer.toString(config.pollIntervalMs()));
        p.setProperty("statistics.metrics.enabled", "false");

        config.debeziumOverrides().forEach((key, value) -> p.setProperty((String) key, (String) value));
        return p;
    }
}
