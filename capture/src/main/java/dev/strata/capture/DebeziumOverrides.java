package dev.strata.capture;

import dev.strata.capture.pg.PgTextConverter;
import io.debezium.connector.postgresql.PostgresConnector;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;

/**
 * The {@code debezium.} keys capture refuses at startup instead of letting them overwrite what
 * {@link DebeziumSettings} sets: the settings a backup's correctness depends on (an override would
 * drop, round, reshape or misorder changes), the settings a capture key already sets (one place
 * per setting), and the filters and transforms that would silently leave data out. Any other
 * Debezium setting passes through. DebeziumOverridesTest keeps these values equal to the ones
 * DebeziumSettings sets, and every key it sets either listed here or named as overridable.
 */
final class DebeziumOverrides {
    /** Debezium key -> the value Strata needs and why. */
    static final Map<String, Needed> NEEDED;
    /** Debezium key -> the capture key that sets it. */
    static final Map<String, String> SET_BY;
    /** Keys (or key prefixes, ending in '.') Strata leaves unset because any value would leave data out of the backup. */
    static final Map<String, String> NEVER;
    /** What DebeziumSettings sets that an operator may override: tuning, nothing a restore depends on. */
    static final List<String> OVERRIDABLE = List.of("snapshot.mode", "tasks.max", "offset.storage.partitions", "statistics.metrics.enabled",
            "incremental.snapshot.watermarking.strategy");

    record Needed(String value, String why) {
        /** The value as messages show it: the TOAST marker holds NUL characters. */
        String shown() {
            return value.indexOf('\u0000') >= 0 ? "(Strata's marker)" : value;
        }
    }

    static {
        Map<String, Needed> needed = new LinkedHashMap<>();
        Map<String, String> setBy = new LinkedHashMap<>();
        Map<String, String> never = new LinkedHashMap<>();
        need(needed, "connector.class", PostgresConnector.class.getName(), "capture reads PostgreSQL logical decoding only");
        need(needed, "plugin.name", "pgoutput", "the built-in plugin, reading the publication capture makes");
        need(needed, "slot.drop.on.stop", "false", "a dropped slot loses every change made while capture is down: a gap in the backup");
        need(needed, "publication.autocreate.mode", "disabled",
                "capture makes the publication cover " + CaptureConfig.TABLES + " itself, tables created later included; Debezium's"
                        + " modes publish the tables of its start only, or alter the publication after rows were written");
        need(needed, "signal.enabled.channels", "source",
                "the incremental snapshots of added tables are requested in the signal table, in order with the data");
        need(needed, "snapshot.locking.mode", "shared",
                "a DDL during the initial snapshot must wait for it: a snapshot it breaks is retried at a later LSN, and the"
                        + " changes committed in between never arrive as change events");
        need(needed, "provide.transaction.metadata", "true", "the transaction order is half of every event id (BEGIN/END markers)");
        need(needed, "skipped.operations", "none", "Debezium's default skips TRUNCATE silently");
        need(needed, "tombstones.on.delete", "false", "a DELETE is one event, not an event and a null-valued tombstone");
        need(needed, "decimal.handling.mode", "string", "numeric values stay exact (also NaN and +-Infinity), never rounded to a double");
        need(needed, "time.precision.mode", "adaptive_time_microseconds", "times keep their microseconds");
        need(needed, "interval.handling.mode", "string", "intervals keep every field (ISO 8601)");
        need(needed, "binary.handling.mode", "bytes", "bytea stays bytes");
        need(needed, "hstore.handling.mode", "json", "hstore values stay whole");
        need(needed, "include.unknown.datatypes", "true",
                "columns of types Debezium does not know are kept, and refused explicitly (dead letter), not dropped from the row");
        need(needed, "unavailable.value.placeholder", DebeziumSettings.UNAVAILABLE_PLACEHOLDER,
                "ChangeConverter recognises an unchanged TOASTed value by that exact marker");
        need(needed, "column.propagate.source.type", ".*", "the declared type of each column is the fallback for pgType");
        need(needed, "converters", DebeziumSettings.TEXT_CONVERTER,
                "arrays, timetz and date travel as Postgres text (Debezium drops array bounds, timetz offsets and BC eras)");
        need(needed, DebeziumSettings.TEXT_CONVERTER + ".type", PgTextConverter.class.getName(), "the converter named by converters");
        need(needed, "offset.storage", KafkaOffsetStore.class.getName(), "offsets live in Kafka next to the data they describe");

        setBy.put("name", CaptureConfig.NAME);
        setBy.put("topic.prefix", CaptureConfig.NAME);
        setBy.put("database.hostname", CaptureConfig.DATABASE_HOST);
        setBy.put("database.port", CaptureConfig.DATABASE_PORT);
        setBy.put("database.dbname", CaptureConfig.DATABASE_NAME);
        setBy.put("database.user", CaptureConfig.DATABASE_USER);
        setBy.put("database.password", CaptureConfig.DATABASE_PASSWORD_ENV + " or " + CaptureConfig.DATABASE_PASSWORD_FILE);
        setBy.put("slot.name", CaptureConfig.SLOT);
        setBy.put("publication.name", CaptureConfig.PUBLICATION);
        setBy.put("table.include.list", CaptureConfig.TABLES);
        setBy.put("signal.data.collection", CaptureConfig.SIGNAL_TABLE);
        setBy.put("heartbeat.interval.ms", CaptureConfig.HEARTBEAT_INTERVAL_MS);
        setBy.put("offset.storage.topic", CaptureConfig.OFFSETS_TOPIC);
        setBy.put("offset.storage.replication.factor", CaptureConfig.TOPIC_REPLICATION);
        setBy.put("offset.flush.interval.ms", CaptureConfig.OFFSETS_FLUSH_INTERVAL_MS);
        setBy.put("max.batch.size", CaptureConfig.BATCH_SIZE);
        setBy.put("max.queue.size", CaptureConfig.QUEUE_SIZE);
        setBy.put("poll.interval.ms", CaptureConfig.POLL_INTERVAL_MS);

        String filters = "it would leave tables or columns out of the backup; " + CaptureConfig.TABLES + " says what is captured";
        never.put("table.exclude.list", filters);
        never.put("schema.include.list", filters);
        never.put("schema.exclude.list", filters);
        never.put("column.include.list", filters);
        never.put("column.exclude.list", filters);
        never.put("column.mask.", "masked values cannot be restored");
        never.put("column.truncate.", "truncated values cannot be restored");
        never.put("transforms", "a transform would reshape or drop events before capture converts them");
        NEEDED = Collections.unmodifiableMap(needed);
        SET_BY = Collections.unmodifiableMap(setBy);
        NEVER = Collections.unmodifiableMap(never);
    }

    private DebeziumOverrides() {
    }

    private static void need(Map<String, Needed> needed, String key, String value, String why) {
        needed.put(key, new Needed(value, why));
    }

    /** Every refused key among {@code overrides} (prefix {@code debezium.} removed), each with its reason; empty when none. */
    static List<String> problems(Properties overrides) {
        List<String> problems = new ArrayList<>();
        for (String key : new TreeSet<>(overrides.stringPropertyNames())) {
            String name = CaptureConfig.DEBEZIUM_PREFIX + key;
            Needed needed = NEEDED.get(key);
            if (needed != null) {
                problems.add(name + " is refused: capture sets " + key + "=" + needed.shown() + " because " + needed.why()
                        + "; remove the key");
            } else if (SET_BY.containsKey(key)) {
                problems.add(name + " is refused: set " + SET_BY.get(key) + " instead, which capture turns into " + key);
            } else {
                never(key).ifPresent(reason -> problems.add(name + " is refused: " + reason + "; remove the key"));
            }
        }
        return problems;
    }

    /** One line per refused key, for the reference. */
    static List<String> reasons() {
        List<String> lines = new ArrayList<>();
        NEEDED.forEach((key, needed) -> lines.add(key + "=" + needed.shown() + ": " + needed.why() + "."));
        SET_BY.forEach((key, by) -> lines.add(key + ": set by " + by + "."));
        NEVER.forEach((key, why) -> lines.add((key.endsWith(".") ? key + "*" : key) + ": " + why + "."));
        return lines;
    }

    private static Optional<String> never(String key) {
        for (Map.Entry<String, String> entry : NEVER.entrySet()) {
            String refused = entry.getKey();
            if (refused.endsWith(".") ? key.startsWith(refused) : key.equals(refused)) {
                return Optional.of(entry.getValue());
            }
        }
        return Optional.empty();
    }
}
