package dev.strata.capture;

import static dev.strata.capture.CaptureConfig.*;

import dev.strata.schemas.config.ConfigReference;
import dev.strata.schemas.config.ConfigSpec;
import dev.strata.schemas.config.Validators;
import dev.strata.schemas.kafka.KafkaSizeLimits;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * What each capture key means, its type, default and range: the one source of capture/capture.properties,
 * the reference that also loads as an example. {@code main} prints it, or with its path rewrites
 * it; CaptureConfigTest fails when the committed file differs.
 */
public final class CaptureConfigDef {
    static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*\\.[A-Za-z_][A-Za-z0-9_$]*");
    static final Pattern POSTGRES_NAME = Pattern.compile("[a-z0-9_]{1,63}");
    static final Pattern LOGICAL_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public static final ConfigSpec SPEC = ConfigSpec.builder("capture config", "capture/capture.properties")
            .group("Kafka")
            .required(BOOTSTRAP_SERVERS, Type.STRING, null, "The Kafka brokers.", "kafka:9092")
            .group("Source database")
            .optional(DATABASE_HOST, Type.STRING, DATABASE_HOST_DEFAULT, null, "The host of the database to capture.")
            .optional(DATABASE_PORT, Type.INT, DATABASE_PORT_DEFAULT, Validators.between(1, 65_535), "Its port.")
            .required(DATABASE_NAME, Type.STRING, null, "The database to capture.", "app")
            .required(DATABASE_USER, Type.STRING, null,
                    "A role with REPLICATION and SELECT on the captured tables (the snapshots), owning them (a publication of exact"
                            + " names) or superuser (table patterns), and CREATE on the signal table's schema.", "strata_capture")
            .optional(DATABASE_PASSWORD_FILE, Type.STRING, null, null,
                    "A file holding that role's password. The password is never written here: name this file, or set the"
                            + " environment variable " + DATABASE_PASSWORD_ENV + " (not both); neither when the database trusts"
                            + " the connection.")
            .example(DATABASE_PASSWORD_FILE, "/run/secrets/strata-capture-db")
            .optional(DATABASES, Type.LIST, DATABASES_DEFAULT, null,
                    "Several source databases in one capture process: their ids, comma separated (1-20 of a-z, 0-9, _). Each"
                            + " runs its own Debezium engine with every key of this file, overridden by the keys under `"
                            + DATABASES + ".<id>.` (for example `" + DATABASES + ".acme.database.dbname=acme` and `" + DATABASES
                            + ".acme." + TENANT_FIXED + "=acme`); its name (offsets key, `ChangeEvent.source`) defaults to `<"
                            + NAME + ">-<id>` and its slot to `<" + SLOT + ">_<id>` (slot names are unique per server). Adding a"
                            + " database is a change here and a restart. A tenant's rows must live in one source database: the"
                            + " restore orders a tenant's changes by the LSN of one server. Empty: the one database named above.")
            .example(DATABASES, "acme,globex")
            .group("What to capture")
            .required(TABLES, Type.LIST, null,
                    "The tables to back up: schema.table, comma separated; each part a name, `*` (every name) or a regular"
                            + " expression, split at the first `\\.` if there is one, else at the first dot: `public.*` is every"
                            + " table of schema public, `tenant_.*\\.orders` the orders table of every tenant_ schema. A table"
                            + " created later that matches is captured from its creation (no restart; the rows of the transaction"
                            + " that creates it too): for that the publication covers whole schemas (`FOR TABLES IN SCHEMA`, when"
                            + " every schema part is a name) or all tables (a schema pattern), which only a superuser may create;"
                            + " exact names only need the tables' owner. A table added here (matched now, not at the last start)"
                            + " is snapshotted incrementally (READ events) while changes stream.", "public.orders,public.customers")
            .optional(SIGNAL_TABLE, Type.STRING, SIGNAL_TABLE_DEFAULT, Validators.matches(TABLE_NAME, "schema.table"),
                    "Debezium's signal table (`signal.data.collection`), one per capture: capture requests the incremental"
                            + " snapshots of added tables there and records the tables it captures. Created when missing, which"
                            + " needs CREATE on its schema (or create it: id varchar(64) PRIMARY KEY, type varchar(32) NOT NULL,"
                            + " data varchar(8192), and grant SELECT, INSERT, DELETE on it); always published, never backed up.")
            .optional(NAME, Type.STRING, NAME_DEFAULT, Validators.matches(LOGICAL_NAME, "1-64 letters, digits, '_' or '-'"),
                    "Logical server name: `ChangeEvent.source`, Debezium's engine name and topic prefix.")
            .optional(SLOT, Type.STRING, SLOT_DEFAULT, Validators.matches(POSTGRES_NAME, "1-63 of a-z, 0-9, _"),
                    "The logical replication slot capture reads; created when missing, never dropped by capture.")
            .optional(PUBLICATION, Type.STRING, PUBLICATION_DEFAULT, Validators.matches(POSTGRES_NAME, "1-63 of a-z, 0-9, _"),
                    "The publication capture reads: created, or dropped and created anew in one transaction, when it does"
                            + " not publish what `" + TABLES + "` needs.")
            .optional(SNAPSHOT_MODE, Type.STRING, SNAPSHOT_MODE_DEFAULT, null,
                    "Debezium's snapshot mode: `initial` backs up the existing rows first (READ events), `no_data` only the"
                            + " changes from now on.")
            .group("Tenants")
            .optional(TENANT_COLUMN, Type.STRING, TENANT_COLUMN_DEFAULT, null, "Shared-schema tables: the column that holds the tenant id.")
            .optional(TENANT_SCHEMA_PATTERN, Type.STRING, "", Validators.regex("tenant_(?<tenant>.+)"),
                    "Schema-per-tenant: a regular expression over the schema name; its group `tenant`, or the whole name, is"
                            + " the tenant. Off when empty.")
            .optional(TENANT_FIXED, Type.STRING, TENANT_FIXED_DEFAULT, null,
                    "One database per tenant: every change of the database belongs to this tenant (TRUNCATE included), whatever"
                            + " its columns and schemas; the other tenant keys then do not apply. Usually set per database of"
                            + " `" + DATABASES + "`. Off when empty.")
            .example(TENANT_FIXED, "acme")
            .optional(SHARED_TABLES, Type.LIST, "", null,
                    "Tables without tenant that belong to one home tenant: schema.table=tenant, comma separated, for example"
                            + " `public.countries=global`; each must be in `" + TABLES + "`.")
            .group("Offsets, heartbeats, batching")
            .optional(OFFSETS_TOPIC, Type.STRING, OFFSETS_TOPIC_DEFAULT, null,
                    "Debezium's offsets, in Kafka next to the data they describe (one partition).")
            .optional(OFFSETS_FLUSH_INTERVAL_MS, Type.INT, OFFSETS_FLUSH_INTERVAL_MS_DEFAULT, Validators.atLeast(1),
                    "How often Debezium stores its offsets.")
            .optional(HEARTBEAT_INTERVAL_MS, Type.INT, HEARTBEAT_INTERVAL_MS_DEFAULT, Validators.atLeast(1),
                    "An idle database still moves the slot and the offsets forward, and the lag metric stays true.")
            .optional(BATCH_SIZE, Type.INT, BATCH_SIZE_DEFAULT, Validators.atLeast(1),
                    "Debezium's batch size; 8192, 32768 and 10 ms measured best on 2 cores.")
            .optional(QUEUE_SIZE, Type.INT, QUEUE_SIZE_DEFAULT, Validators.atLeast(1),
                    "Debezium's queue; larger than `" + BATCH_SIZE + "` (Debezium requires it).")
            .optional(POLL_INTERVAL_MS, Type.INT, POLL_INTERVAL_MS_DEFAULT, Validators.atLeast(1), "Debezium's poll interval.")
            .group("Checkpoints for restore drills")
            .optional(CHECKPOINT_INTERVAL_MS, Type.INT, CHECKPOINT_INTERVAL_MS_DEFAULT, Validators.atLeast(0),
                    "How often capture takes a checkpoint of every tenant (row counts and checksums in one snapshot); 0 turns"
                            + " the schedule off. On demand: `java -cp ... dev.strata.capture.checkpoint.CheckpointMain"
                            + " capture.properties`. The capture role must be allowed to run `pg_logical_emit_message` (the"
                            + " checkpoint travels in the WAL).")
            .group("Durable point of idle tenants")
            .optional(DURABLE_HEARTBEAT_INTERVAL_MS, Type.INT, DURABLE_HEARTBEAT_INTERVAL_MS_DEFAULT, Validators.atLeast(0),
                    "How often capture writes a heartbeat into the source's WAL (`pg_logical_emit_message`, transactional); each"
                            + " becomes one HEARTBEAT event per known tenant (placed in `strata.tenants`, or changed since capture"
                            + " started), so a tenant that does not change still has its durable point (its watermark) advance to"
                            + " just before the heartbeat's commit time. About this many milliseconds is then the least age of an"
                            + " idle tenant's durable point; every interval costs one event per tenant. 0 turns heartbeats off:"
                            + " an idle tenant's durable point then stays at its last change.")
            .group("Schema history")
            .optional(DDL_HISTORY, Type.STRING, DDL_HISTORY_DEFAULT, Validators.oneOf("on", "off"),
                    "on: capture installs an event trigger (`strata_capture_ddl` on ddl_command_end, functions in schema"
                            + " `strata_capture`; capture/src/main/resources/dev/strata/capture/ddl/ddl-history.sql) that writes each"
                            + " table's definition after every DDL into the WAL (`pg_logical_emit_message`, transactional), and"
                            + " writes every captured table's definition once it streams: one DDL event per tenant of the table, in"
                            + " order with its rows, so a restore rebuilds each table as it was (columns by attnum, defaults, NOT"
                            + " NULL, identity, constraints, indexes). CREATE EVENT TRIGGER needs a superuser (PostgreSQL 17):"
                            + " capture refuses to start when the trigger is missing and its role cannot create it (a superuser"
                            + " may run that file once instead). off: no DDL history; every restore then says that its tables"
                            + " were created from the captured columns only and that columns are matched by name.")
            .group("Topics")
            .optional(TOPIC_PARTITIONS, Type.INT, TOPIC_PARTITIONS_DEFAULT, Validators.atLeast(1),
                    "Partitions of `strata.changes` and `strata.dlq` when capture creates them; the same key as the router's and"
                            + " the sinks'.")
            .optional(TOPIC_REPLICATION, Type.INT, TOPIC_REPLICATION_DEFAULT, Validators.between(1, Short.MAX_VALUE),
                    "Replication factor of the topics capture creates, its offsets topic included.")
            .optional(MAX_EVENT_BYTES, Type.INT, MAX_EVENT_BYTES_DEFAULT, KafkaSizeLimits.RANGE, KafkaSizeLimits.DOC)
            .group("Operations")
            .optional(METRICS_PORT, Type.INT, METRICS_PORT_DEFAULT, Validators.port(),
                    "Port of the Prometheus scrape endpoint `/metrics`; 0 turns it off.")
            .build();

    private CaptureConfigDef() {
    }

    /** The text of capture/capture.properties. */
    public static String reference() {
        List<String> header = List.of(
                "capture.properties: every key capture reads, with its meaning and default. Generated from CaptureConfigDef",
                "(CaptureConfigTest fails when this file differs; `java -cp capture/target/strata-capture-*.jar",
                "dev.strata.capture.CaptureConfigDef capture/capture.properties` rewrites it).",
                "Run: java -cp ... dev.strata.capture.CaptureMain capture.properties",
                "",
                "Keys starting with strata. are capture's own (an unknown one is refused, naming the closest known key);",
                "database.* name the source database; debezium.* and producer.* are passed, prefix removed, to Debezium and",
                "to the change producer; every other key is a Kafka client setting (security, timeouts) for the producer,",
                "the admin client and the offset store.");
        List<String> footer = new ArrayList<>();
        footer.add("--- Debezium settings capture refuses to take from debezium.* (capture stops at startup) ---");
        DebeziumOverrides.reasons().forEach(line -> footer.addAll(wrapComment(line)));
        return ConfigReference.properties(SPEC, header, footer);
    }

    /** One reason over several comment lines, the later ones indented. */
    private static List<String> wrapComment(String line) {
        List<String> lines = new ArrayList<>();
        for (String part : ConfigReference.wrap(line, 94)) {
            lines.add(lines.isEmpty() ? part : "  " + part);
        }
        return lines;
    }

    /** Prints capture.properties; {@code CaptureConfigDef capture/capture.properties} rewrites that file. */
    public static void main(String[] args) throws IOException {
        ConfigReference.printOrWrite(args, null, reference());
    }
}
