package dev.strata.capture;

import dev.strata.capture.tables.TableSelection;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.config.ParsedConfig;
import dev.strata.schemas.kafka.KafkaSizeLimits;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The capture service's configuration: one properties file, keys as constants with their defaults
 * beside them; what each means, its type and range are in {@link CaptureConfigDef}. Keys starting
 * with {@code strata.} are capture's own, {@code database.} name the source database,
 * {@code debezium.} and {@code producer.} are passed (prefix removed) to Debezium and to the change
 * producer, except the Debezium settings {@link DebeziumOverrides} refuses; every other key is a
 * Kafka client setting (security, timeouts) used by the producer, the admin client and Debezium's
 * Kafka offset store alike.
 *
 * <p>The database password is never a property: it comes from the environment variable
 * {@value #DATABASE_PASSWORD_ENV} or from the file named by {@value #DATABASE_PASSWORD_FILE}.
 */
public final class CaptureConfig {
    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String NAME = "strata.capture.name";
    public static final String NAME_DEFAULT = "strata";
    public static final String TABLES = "strata.capture.tables";
    public static final String SIGNAL_TABLE = "strata.capture.signal.table";
    public static final String SIGNAL_TABLE_DEFAULT = "public.strata_capture_signal";
    public static final String DATABASES = "strata.capture.databases";
    public static final String DATABASES_DEFAULT = "";
    public static final String SLOT = "strata.capture.slot";
    public static final String SLOT_DEFAULT = "strata_capture";
    public static final String PUBLICATION = "strata.capture.publication";
    public static final String PUBLICATION_DEFAULT = "strata_capture";
    public static final String TENANT_COLUMN = "strata.capture.tenant.column";
    public static final String TENANT_COLUMN_DEFAULT = "tenant_id";
    public static final String TENANT_SCHEMA_PATTERN = "strata.capture.tenant.schema.pattern";
    public static final String TENANT_SCHEMA_PATTERN_DEFAULT = "";
    public static final String TENANT_FIXED = "strata.capture.tenant.fixed";
    public static final String TENANT_FIXED_DEFAULT = "";
    public static final String SHARED_TABLES = "strata.capture.shared.tables";
    public static final String SHARED_TABLES_DEFAULT = "";
    public static final String SNAPSHOT_MODE = "strata.capture.snapshot.mode";
    public static final String SNAPSHOT_MODE_DEFAULT = "initial";
    public static final String HEARTBEAT_INTERVAL_MS = "strata.capture.heartbeat.interval.ms";
    public static final int HEARTBEAT_INTERVAL_MS_DEFAULT = 1_000;
    public static final String OFFSETS_TOPIC = "strata.capture.offsets.topic";
    public static final String OFFSETS_TOPIC_DEFAULT = "strata.capture.offsets";
    public static final String OFFSETS_FLUSH_INTERVAL_MS = "strata.capture.offsets.flush.interval.ms";
    public static final int OFFSETS_FLUSH_INTERVAL_MS_DEFAULT = 1_000;
    public static final String BATCH_SIZE = "strata.capture.batch.size";
    public static final int BATCH_SIZE_DEFAULT = 8_192;
    public static final String QUEUE_SIZE = "strata.capture.queue.size";
    public static final int QUEUE_SIZE_DEFAULT = 32_768;
    public static final String POLL_INTERVAL_MS = "strata.capture.poll.interval.ms";
    public static final int POLL_INTERVAL_MS_DEFAULT = 10;
    public static final String TOPIC_PARTITIONS = "strata.topics.partitions";
    public static final int TOPIC_PARTITIONS_DEFAULT = 6;
    public static final String TOPIC_REPLICATION = "strata.topics.replication.factor";
    public static final int TOPIC_REPLICATION_DEFAULT = 3;
    public static final String MAX_EVENT_BYTES = KafkaSizeLimits.MAX_EVENT_BYTES;
    public static final int MAX_EVENT_BYTES_DEFAULT = KafkaSizeLimits.MAX_EVENT_BYTES_DEFAULT;
    public static final String CHECKPOINT_INTERVAL_MS = "strata.capture.checkpoint.interval.ms";
    public static final int CHECKPOINT_INTERVAL_MS_DEFAULT = 3_600_000;
    public static final String DURABLE_HEARTBEAT_INTERVAL_MS = "strata.capture.durable.heartbeat.interval.ms";
    public static final int DURABLE_HEARTBEAT_INTERVAL_MS_DEFAULT = 1_000;
    public static final String DDL_HISTORY = "strata.capture.ddl.history";
    public static final String DDL_HISTORY_DEFAULT = "on";
    public static final String METRICS_PORT = "strata.metrics.port";
    public static final int METRICS_PORT_DEFAULT = 0;

    public static final String DATABASE_HOST = "database.hostname";
    public static final String DATABASE_HOST_DEFAULT = "localhost";
    public static final String DATABASE_PORT = "database.port";
    public static final int DATABASE_PORT_DEFAULT = 5432;
    public static final String DATABASE_NAME = "database.dbname";
    public static final String DATABASE_USER = "database.user";
    public static final String DATABASE_PASSWORD_FILE = "database.password.file";
    public static final String DATABASE_PASSWORD_ENV = "STRATA_CAPTURE_DATABASE_PASSWORD";

    public static final String DEBEZIUM_PREFIX = "debezium.";
    public static final String PRODUCER_PREFIX = "producer.";

    private final ParsedConfig parsed;
    private final Properties source;
    private final List<String> tables;
    private final TableSelection selection;
    private final Pattern tenantSchemaPattern;
    private final Map<String, String> sharedTables;
    private final DatabasePassword password;

    private CaptureConfig(ParsedConfig parsed, TableSelection selection, Map<String, String> sharedTables, DatabasePassword password) {
        this.parsed = parsed;
        this.source = parsed.source();
        this.tables = selection.texts();
        this.selection = selection;
        String schemaPattern = parsed.string(TENANT_SCHEMA_PATTERN);
        this.tenantSchemaPattern = schemaPattern.isBlank() ? null : Pattern.compile(schemaPattern);
        this.sharedTables = Map.copyOf(sharedTables);
        this.password = password;
    }

    /** Reads a capture.properties file of one database; the password from the environment or the password file. */
    public static CaptureConfig load(Path file) {
        return from(read(file), System::getenv);
    }

    /** The file's properties as written; {@link #load} and {@code CaptureDatabases} parse them. */
    public static Properties read(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("capture config file " + file + " does not exist: pass the path of capture.properties");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read capture config file " + file, e);
        }
        return properties;
    }

    /** @param environment looks up environment variables (the password); {@code System::getenv} in production */
    public static CaptureConfig from(Properties properties, Function<String, String> environment) {
        ParsedConfig parsed = CaptureConfigDef.SPEC.parse(properties);
        List<String> problems = new ArrayList<>();
        if (parsed.intValue(QUEUE_SIZE) <= parsed.intValue(BATCH_SIZE)) {
            problems.add(QUEUE_SIZE + "=" + parsed.intValue(QUEUE_SIZE) + " must be larger than " + BATCH_SIZE + "="
                    + parsed.intValue(BATCH_SIZE) + " (Debezium requires it): raise it");
        }
        problems.addAll(DebeziumOverrides.problems(withPrefix(parsed.source(), DEBEZIUM_PREFIX)));
        if (!parsed.list(DATABASES).stream().allMatch(String::isBlank)) {
            problems.add(DATABASES + " lists several databases: read the file with CaptureDatabases, which gives one configuration each");
        }
        if (!problems.isEmpty()) {
            throw CaptureConfigDef.SPEC.invalid(String.join("; ", problems));
        }
        TableSelection selection;
        try {
            selection = TableSelection.parse(parsed.list(TABLES));
        } catch (IllegalArgumentException e) {
            throw CaptureConfigDef.SPEC.invalid(TABLES + ": " + e.getMessage());
        }
        if (selection.isEmpty()) {
            throw CaptureConfigDef.SPEC.missing(TABLES);
        }
        Map<String, String> shared = parseSharedTables(parsed.list(SHARED_TABLES), selection);
        String fixed = parsed.string(TENANT_FIXED);
        if (!fixed.isEmpty() && !TenantId.isValid(fixed)) {
            throw CaptureConfigDef.SPEC.invalid(TENANT_FIXED + "=" + fixed + " is not a valid tenant id: use 1-" + TenantId.MAX_LENGTH + " letters, digits, '.', '_' or '-'");
        }
        if (!fixed.isEmpty() && !shared.isEmpty()) {
            throw CaptureConfigDef.SPEC.invalid(TENANT_FIXED + " makes every table of the database tenant " + fixed + "'s, so "
                    + SHARED_TABLES + " cannot name another home tenant: remove one of them");
        }
        return new CaptureConfig(parsed, selection, shared, DatabasePassword.read(parsed.source(), environment));
    }

    public String name() {
        return parsed.string(NAME);
    }

    /** The entries of {@value #TABLES} as configured: names and patterns, once each. */
    public List<String> tables() {
        return tables;
    }

    /** What {@value #TABLES} selects, now and as tables are created. */
    public TableSelection tableSelection() {
        return selection;
    }

    /** Debezium's signal table, schema.table: incremental snapshots of added tables are requested through it. */
    public String signalTable() {
        return parsed.string(SIGNAL_TABLE);
    }

    public String slot() {
        return parsed.string(SLOT);
    }

    public String publication() {
        return parsed.string(PUBLICATION);
    }

    public String tenantColumn() {
        return parsed.string(TENANT_COLUMN);
    }

    /** Null when schema-per-tenant is off. */
    public Pattern tenantSchemaPattern() {
        return tenantSchemaPattern;
    }

    /** The tenant every change of this database belongs to (one database per tenant), or empty to resolve per row. */
    public Optional<String> fixedTenant() {
        String fixed = parsed.string(TENANT_FIXED);
        return fixed.isEmpty() ? Optional.empty() : Optional.of(fixed);
    }

    /** schema.table to the tenant that owns the whole table. */
    public Map<String, String> sharedTables() {
        return sharedTables;
    }

    public String snapshotMode() {
        return parsed.string(SNAPSHOT_MODE);
    }

    /** Whether capture installs (or requires) the event trigger that sends each table's definition through the WAL. */
    public boolean ddlHistory() {
        return "on".equals(parsed.string(DDL_HISTORY));
    }

    public int heartbeatIntervalMs() {
        return parsed.intValue(HEARTBEAT_INTERVAL_MS);
    }

    public String offsetsTopic() {
        return parsed.string(OFFSETS_TOPIC);
    }

    public int offsetsFlushIntervalMs() {
        return parsed.intValue(OFFSETS_FLUSH_INTERVAL_MS);
    }

    public int batchSize() {
        return parsed.intValue(BATCH_SIZE);
    }

    public int queueSize() {
        return parsed.intValue(QUEUE_SIZE);
    }

    public int pollIntervalMs() {
        return parsed.intValue(POLL_INTERVAL_MS);
    }

    public int topicPartitions() {
        return parsed.intValue(TOPIC_PARTITIONS);
    }

    public short topicReplication() {
        return (short) parsed.intValue(TOPIC_REPLICATION);
    }

    /** The largest event capture sends, and the Kafka limits of its producer and topics. */
    public KafkaSizeLimits sizeLimits() {
        return new KafkaSizeLimits(parsed.intValue(MAX_EVENT_BYTES));
    }

    public int metricsPort() {
        return parsed.intValue(METRICS_PORT);
    }

    public int checkpointIntervalMs() {
        return parsed.intValue(CHECKPOINT_INTERVAL_MS);
    }

    public int durableHeartbeatIntervalMs() {
        return parsed.intValue(DURABLE_HEARTBEAT_INTERVAL_MS);
    }

    public String databaseHost() {
        return parsed.string(DATABASE_HOST);
    }

    public int databasePort() {
        return parsed.intValue(DATABASE_PORT);
    }

    public String databaseName() {
        return parsed.string(DATABASE_NAME);
    }

    public String databaseUser() {
        return parsed.string(DATABASE_USER);
    }

    /** Never logged; empty when the database trusts the connection. */
    public String databasePassword() {
        return password.reveal();
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + databaseHost() + ":" + databasePort() + "/" + databaseName();
    }

    /** Kafka client settings shared by the producer, the admin client and Debezium's offset store. */
    public Properties kafkaClient() {
        Properties kafka = new Properties();
        for (String key : source.stringPropertyNames()) {
            if (!key.startsWith("strata.") && !key.startsWith("database.") && !key.startsWith(DEBEZIUM_PREFIX)
                    && !key.startsWith(PRODUCER_PREFIX)) {
                kafka.setProperty(key, source.getProperty(key));
            }
        }
        return kafka;
    }

    /** Overrides for the change producer, prefix removed. */
    public Properties producerOverrides() {
        return withPrefix(source, PRODUCER_PREFIX);
    }

    /**
     * Overrides for Debezium, prefix removed: applied last, for settings this class does not name.
     * The ones a backup depends on were refused when the file was read ({@link DebeziumOverrides}).
     */
    public Properties debeziumOverrides() {
        return withPrefix(source, DEBEZIUM_PREFIX);
    }

    @Override
    public String toString() {
        return "capture " + name() + ": tables " + tables + ", database " + databaseUser() + "@" + databaseHost() + ":"
                + databasePort() + "/" + databaseName() + " (password " + password + "), slot "
                + slot() + ", publication " + publication() + ", kafka " + parsed.string(BOOTSTRAP_SERVERS);
    }

    private static Properties withPrefix(Properties source, String prefix) {
        Properties out = new Properties();
        for (String key : source.stringPropertyNames()) {
            if (key.startsWith(prefix)) {
                out.setProperty(key.substring(prefix.length()), source.getProperty(key));
            }
        }
        return out;
    }

    /** Each entry {@code schema.table=tenant}; the table must be captured, the tenant a valid id. */
    private static Map<String, String> parseSharedTables(List<String> entries, TableSelection tables) {
        Map<String, String> shared = new LinkedHashMap<>();
        for (String entry : entries) {
            if (entry.isEmpty()) {
                continue;
            }
            int eq = entry.indexOf('=');
            String table = eq < 0 ? entry : entry.substring(0, eq).trim();
            String tenant = eq < 0 ? "" : entry.substring(eq + 1).trim();
            if (eq < 0 || !TenantId.isValid(tenant)) {
                throw CaptureConfigDef.SPEC.invalid(SHARED_TABLES + " entry '" + entry
                        + "' must be schema.table=tenant with a valid tenant id, for example public.countries=global");
            }
            if (!tables.matches(table)) {
                throw CaptureConfigDef.SPEC.invalid(SHARED_TABLES + " names " + table + ", which is not in " + TABLES
                        + ": add it there or remove it here");
            }
            shared.put(table, tenant);
        }
        return shared;
    }
}
