package dev.strata.capture;

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
import java.util.Properties;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The capture service's configuration: one properties file, keys as constants with their defaults
 * beside them. Keys starting with {@code strata.} are capture's own, {@code database.} name the
 * source database, {@code debezium.} and {@code producer.} are passed (prefix removed) to Debezium
 * and to the change producer; every other key is a Kafka client setting (security, timeouts) used
 * by the producer, the admin client and Debezium's Kafka offset store alike.
 *
 * <p>The database password is never a property: it comes from the environment variable
 * {@value #DATABASE_PASSWORD_ENV} or from the file named by {@value #DATABASE_PASSWORD_FILE}.
 */
public final class CaptureConfig {
    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    /** Logical server name: {@code ChangeEvent.source}, Debezium's engine name and topic prefix. */
    public static final String NAME = "strata.capture.name";
    public static final String NAME_DEFAULT = "strata";
    /** Comma-separated {@code schema.table} list to capture. Required. */
    public static final String TABLES = "strata.capture.tables";
    public static final String SLOT = "strata.capture.slot";
    public static final String SLOT_DEFAULT = "strata_capture";
    public static final String PUBLICATION = "strata.capture.publication";
    public static final String PUBLICATION_DEFAULT = "strata_capture";
    public static final String TENANT_COLUMN = "strata.capture.tenant.column";
    public static final String TENANT_COLUMN_DEFAULT = "tenant_id";
    /** Schema-per-tenant: a regex over the schema name; its group {@code tenant}, or the whole name, is the tenant. */
    public static final String TENANT_SCHEMA_PATTERN = "strata.capture.tenant.schema.pattern";
    public static final String TENANT_SCHEMA_PATTERN_DEFAULT = "";
    /** Tables without tenant that belong to one home tenant: {@code public.countries=global,public.fx=global}. */
    public static final String SHARED_TABLES = "strata.capture.shared.tables";
    public static final String SHARED_TABLES_DEFAULT = "";
    /** Debezium snapshot mode: {@code initial} backs up the existing rows first, {@code no_data} only new changes. */
    public static final String SNAPSHOT_MODE = "strata.capture.snapshot.mode";
    public static final String SNAPSHOT_MODE_DEFAULT = "initial";
    public static final String HEARTBEAT_INTERVAL_MS = "strata.capture.heartbeat.interval.ms";
    public static final int HEARTBEAT_INTERVAL_MS_DEFAULT = 1_000;
    public static final String OFFSETS_TOPIC = "strata.capture.offsets.topic";
    public static final String OFFSETS_TOPIC_DEFAULT = "strata.capture.offsets";
    public static final String OFFSETS_FLUSH_INTERVAL_MS = "strata.capture.offsets.flush.interval.ms";
    public static final int OFFSETS_FLUSH_INTERVAL_MS_DEFAULT = 1_000;
    /** Debezium's batch and queue sizes and poll interval: 8192/32768/10 ms measured best on 2 cores. */
    public static final String BATCH_SIZE = "strata.capture.batch.size";
    public static final int BATCH_SIZE_DEFAULT = 8_192;
    public static final String QUEUE_SIZE = "strata.capture.queue.size";
    public static final int QUEUE_SIZE_DEFAULT = 32_768;
    public static final String POLL_INTERVAL_MS = "strata.capture.poll.interval.ms";
    public static final int POLL_INTERVAL_MS_DEFAULT = 10;
    /** Shared with the router: partitions and replication of strata.changes and strata.dlq when capture creates them. */
    public static final String TOPIC_PARTITIONS = "strata.topics.partitions";
    public static final int TOPIC_PARTITIONS_DEFAULT = 6;
    public static final String TOPIC_REPLICATION = "strata.topics.replication.factor";
    public static final int TOPIC_REPLICATION_DEFAULT = 3;
    /** How often capture takes a checkpoint of every tenant for drills (DESIGN.md section 7); 0 turns the schedule off. */
    public static final String CHECKPOINT_INTERVAL_MS = "strata.capture.checkpoint.interval.ms";
    public static final int CHECKPOINT_INTERVAL_MS_DEFAULT = 3_600_000;
    /** Port of the Prometheus scrape endpoint ({@code /metrics}); 0 turns it off. */
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

    private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*\\.[A-Za-z_][A-Za-z0-9_$]*");
    private static final Pattern SLOT_NAME = Pattern.compile("[a-z0-9_]{1,63}");
    private static final Pattern LOGICAL_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final Properties source;
    private final List<String> tables;
    private final Pattern tenantSchemaPattern;
    private final Map<String, String> sharedTables;
    private final DatabasePassword password;

    private CaptureConfig(Properties source, List<String> tables, Pattern tenantSchemaPattern,
            Map<String, String> sharedTables, DatabasePassword password) {
        this.source = source;
        this.tables = List.copyOf(tables);
        this.tenantSchemaPattern = tenantSchemaPattern;
        this.sharedTables = Map.copyOf(sharedTables);
        this.password = password;
    }

    /** Reads a capture.properties file; the password from the environment or the password file. */
    public static CaptureConfig load(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("capture config file " + file + " does not exist: pass the path of capture.properties");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read capture config file " + file, e);
        }
        return from(properties, System::getenv);
    }

    /** @param environment looks up environment variables (the password); {@code System::getenv} in production */
    public static CaptureConfig from(Properties properties, Function<String, String> environment) {
        Properties source = new Properties();
        source.putAll(properties);
        require(source, BOOTSTRAP_SERVERS, "the Kafka brokers, for example " + BOOTSTRAP_SERVERS + "=kafka:9092");
        require(source, DATABASE_NAME, "the database to capture, for example " + DATABASE_NAME + "=app");
        require(source, DATABASE_USER, "a role with REPLICATION, for example " + DATABASE_USER + "=strata_capture");
        String name = source.getProperty(NAME, NAME_DEFAULT).trim();
        if (!LOGICAL_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("capture config: " + NAME + "=" + name
                    + " is invalid: use 1-64 letters, digits, '_' or '-' (it becomes ChangeEvent.source and a topic prefix)");
        }
        for (String key : List.of(SLOT, PUBLICATION)) {
            String value = source.getProperty(key, key.equals(SLOT) ? SLOT_DEFAULT : PUBLICATION_DEFAULT);
            if (!SLOT_NAME.matcher(value).matches()) {
                throw new IllegalArgumentException("capture config: " + key + "=" + value
                        + " is invalid: Postgres slot and publication names here are 1-63 of a-z 0-9 _");
            }
        }
        List<String> tables = parseTables(source.getProperty(TABLES, ""));
        Pattern schemaPattern = parseSchemaPattern(source.getProperty(TENANT_SCHEMA_PATTERN, TENANT_SCHEMA_PATTERN_DEFAULT));
        Map<String, String> shared = parseSharedTables(source.getProperty(SHARED_TABLES, SHARED_TABLES_DEFAULT), tables);
        CaptureConfig config = new CaptureConfig(source, tables, schemaPattern, shared, DatabasePassword.read(source, environment));
        // fail now, not on first use: every number is parsed once here
        config.heartbeatIntervalMs();
        config.offsetsFlushIntervalMs();
        config.batchSize();
        config.queueSize();
        config.pollIntervalMs();
        config.topicPartitions();
        config.topicReplication();
        config.metricsPort();
        config.checkpointIntervalMs();
        config.databasePort();
        return config;
    }

    public String name() {
        return source.getProperty(NAME, NAME_DEFAULT).trim();
    }

    public List<String> tables() {
        return tables;
    }

    public String slot() {
        return source.getProperty(SLOT, SLOT_DEFAULT);
    }

    public String publication() {
        return source.getProperty(PUBLICATION, PUBLICATION_DEFAULT);
    }

    public String tenantColumn() {
        return source.getProperty(TENANT_COLUMN, TENANT_COLUMN_DEFAULT).trim();
    }

    /** Null when schema-per-tenant is off. */
    public Pattern tenantSchemaPattern() {
        return tenantSchemaPattern;
    }

    /** schema.table to the tenant that owns the whole table. */
    public Map<String, String> sharedTables() {
        return sharedTables;
    }

    public String snapshotMode() {
        return source.getProperty(SNAPSHOT_MODE, SNAPSHOT_MODE_DEFAULT).trim();
    }

    public int heartbeatIntervalMs() {
        return positive(HEARTBEAT_INTERVAL_MS, HEARTBEAT_INTERVAL_MS_DEFAULT);
    }

    public String offsetsTopic() {
        return source.getProperty(OFFSETS_TOPIC, OFFSETS_TOPIC_DEFAULT).trim();
    }

    public int offsetsFlushIntervalMs() {
        return positive(OFFSETS_FLUSH_INTERVAL_MS, OFFSETS_FLUSH_INTERVAL_MS_DEFAULT);
    }

    public int batchSize() {
        return positive(BATCH_SIZE, BATCH_SIZE_DEFAULT);
    }

    public int queueSize() {
        int queue = positive(QUEUE_SIZE, QUEUE_SIZE_DEFAULT);
        if (queue <= batchSize()) {
            throw new IllegalArgumentException("capture config: " + QUEUE_SIZE + "=" + queue + " must be larger than "
                    + BATCH_SIZE + "=" + batchSize() + " (Debezium requires it)");
        }
        return queue;
    }

    public int pollIntervalMs() {
        return positive(POLL_INTERVAL_MS, POLL_INTERVAL_MS_DEFAULT);
    }

    public int topicPartitions() {
        return positive(TOPIC_PARTITIONS, TOPIC_PARTITIONS_DEFAULT);
    }

    public short topicReplication() {
        int replication = positive(TOPIC_REPLICATION, TOPIC_REPLICATION_DEFAULT);
        if (replication > Short.MAX_VALUE) {
            throw new IllegalArgumentException("capture config: " + TOPIC_REPLICATION + "=" + replication + " is too large");
        }
        return (short) replication;
    }

    public int metricsPort() {
        int port = intValue(METRICS_PORT, METRICS_PORT_DEFAULT);
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("capture config: " + METRICS_PORT + "=" + port + " is not a port (0 turns metrics off)");
        }
        return port;
    }

    public int checkpointIntervalMs() {
        int interval = intValue(CHECKPOINT_INTERVAL_MS, CHECKPOINT_INTERVAL_MS_DEFAULT);
        if (interval < 0) {
            throw new IllegalArgumentException("capture config: " + CHECKPOINT_INTERVAL_MS + "=" + interval
                    + " must be a number of milliseconds (0 turns scheduled checkpoints off)");
        }
        return interval;
    }

    public String databaseHost() {
        return source.getProperty(DATABASE_HOST, DATABASE_HOST_DEFAULT).trim();
    }

    public int databasePort() {
        return positive(DATABASE_PORT, DATABASE_PORT_DEFAULT);
    }

    public String databaseName() {
        return source.getProperty(DATABASE_NAME).trim();
    }

    public String databaseUser() {
        return source.getProperty(DATABASE_USER).trim();
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
        return withPrefix(PRODUCER_PREFIX);
    }

    /** Overrides for Debezium, prefix removed: applied last, for settings this class does not name. */
    public Properties debeziumOverrides() {
        return withPrefix(DEBEZIUM_PREFIX);
    }

    @Override
    public String toString() {
        return "capture " + name() + ": tables " + tables + ", database " + databaseUser() + "@" + databaseHost() + ":"
                + databasePort() + "/" + databaseName() + " (password " + password + "), slot "
                + slot() + ", publication " + publication() + ", kafka " + source.getProperty(BOOTSTRAP_SERVERS);
    }

    private Properties withPrefix(String prefix) {
        Properties out = new Properties();
        for (String key : source.stringPropertyNames()) {
            if (key.startsWith(prefix)) {
                out.setProperty(key.substring(prefix.length()), source.getProperty(key));
            }
        }
        return out;
    }

    private int positive(String key, int defaultValue) {
        int value = intValue(key, defaultValue);
        if (value <= 0) {
            throw new IllegalArgumentException("capture config: " + key + "=" + value + " must be a positive whole number");
        }
        return value;
    }

    private int intValue(String key, int defaultValue) {
        String value = source.getProperty(key);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("capture config: " + key + "=" + value + " is not a whole number");
        }
    }

    private static void require(Properties source, String key, String what) {
        String value = source.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("capture config: " + key + " is missing: set it to " + what);
        }
    }

    static List<String> parseTables(String list) {
        List<String> tables = new ArrayList<>();
        for (String raw : list.split(",")) {
            String table = raw.trim();
            if (table.isEmpty()) {
                continue;
            }
            if (!TABLE_NAME.matcher(table).matches()) {
                throw new IllegalArgumentException("capture config: " + TABLES + " names '" + table
                        + "': write each table as schema.table, for example public.orders");
            }
            if (!tables.contains(table)) {
                tables.add(table);
            }
        }
        if (tables.isEmpty()) {
            throw new IllegalArgumentException("capture config: " + TABLES
                    + " is missing: list the tables to back up, for example " + TABLES + "=public.orders,public.customers");
        }
        return tables;
    }

    private static Pattern parseSchemaPattern(String regex) {
        if (regex == null || regex.isBlank()) {
            return null;
        }
        try {
            return Pattern.compile(regex.trim());
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("capture config: " + TENANT_SCHEMA_PATTERN + "=" + regex
                    + " is not a regular expression (" + e.getDescription() + "), for example tenant_(?<tenant>.+)");
        }
    }

    private static Map<String, String> parseSharedTables(String list, List<String> tables) {
        Map<String, String> shared = new LinkedHashMap<>();
        for (String raw : list.split(",")) {
            String entry = raw.trim();
            if (entry.isEmpty()) {
                continue;
            }
            int eq = entry.indexOf('=');
            String table = eq < 0 ? entry : entry.substring(0, eq).trim();
            String tenant = eq < 0 ? "" : entry.substring(eq + 1).trim();
            if (eq < 0 || !dev.strata.schemas.TenantId.isValid(tenant)) {
                throw new IllegalArgumentException("capture config: " + SHARED_TABLES + " entry '" + entry
                        + "' must be schema.table=tenant with a valid tenant id, for example public.countries=global");
            }
            if (!tables.contains(table)) {
                throw new IllegalArgumentException("capture config: " + SHARED_TABLES + " names " + table
                        + ", which is not in " + TABLES + ": add it there or remove it here");
            }
            shared.put(table, tenant);
        }
        return shared;
    }
}
