package dev.strata.capture;

import dev.strata.local.LocalPostgres;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Column;
import dev.strata.schemas.avro.Op;
import io.debezium.config.CommonConnectorConfig;
import io.debezium.config.Configuration;
import io.debezium.connector.postgresql.PostgresConnectorConfig;
import io.debezium.connector.postgresql.PostgresValueConverter;
import io.debezium.connector.postgresql.TypeRegistry;
import io.debezium.connector.postgresql.connection.PostgresConnection;
import io.debezium.converters.custom.CustomConverterServiceProvider;
import io.debezium.data.Envelope;
import io.debezium.relational.CustomConverterRegistry;
import io.debezium.relational.Table;
import io.debezium.relational.TableId;
import io.debezium.relational.TableSchema;
import io.debezium.relational.TableSchemaBuilder;
import io.debezium.relational.Tables;
import io.debezium.relational.mapping.ColumnMappers;
import io.debezium.spi.topic.TopicNamingStrategy;
import java.nio.charset.Charset;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * The change event envelope Debezium's PostgreSQL connector would have produced for a Strata change
 * event, with capture's Debezium settings ({@link DebeziumSettings}), as a Connect record.
 *
 * <p>The row schemas are Debezium's own: each table the events name is created in a scratch database
 * from the events' declared column types (the key columns as primary key), then read back by the
 * connector's catalog reader ({@link PostgresConnection} and its {@link TypeRegistry}), mapped by
 * {@link PostgresValueConverter}, capture's column converter and the column mappers, and wrapped in
 * the connector's {@link Envelope} with capture's transaction block. The values go through Debezium's
 * converters as its pgoutput decoder hands them over ({@link DebeziumColumnValues}). Approximated,
 * since no public class of the connector makes them without a replication stream: the source block
 * (the connector's schema, filled from the event by {@link DebeziumSourceBlock}) and the envelope's
 * ts_ms, taken as the commit time (the connector's clock would read a later time of the same width).
 */
final class DebeziumEnvelopes implements AutoCloseable {
    private final LocalPostgres pg;
    private final String database;
    private final PostgresConnectorConfig config;
    private final PostgresConnection connection;
    private final TableSchemaBuilder builder;
    private final TopicNamingStrategy<TableId> topics;
    private final DebeziumSourceBlock sourceBlock;
    private final Map<String, Shape> tables = new HashMap<>();

    /** One table as Debezium knows it: its columns (from the catalog) and its key, value and envelope schemas. */
    private record Shape(Table table, TableSchema schema) {
    }

    DebeziumEnvelopes(LocalPostgres pg, String database) {
        this.pg = pg;
        this.database = database;
        this.config = new PostgresConnectorConfig(Configuration.from(settings(pg, database)));
        Charset charset;
        try (PostgresConnection probe = new PostgresConnection(config.getJdbcConfig(), PostgresConnection.CONNECTION_GENERAL)) {
            charset = probe.getDatabaseCharset();
        }
        TypeRegistry types = PostgresConnection.createTypeRegistry(config.getJdbcConfig());
        this.connection = new PostgresConnection(config.getJdbcConfig(), types, registry -> PostgresValueConverter.of(config, charset, registry),
                PostgresConnection.CONNECTION_GENERAL);
        // capture's column converter (PgTextConverter), made from the settings as Debezium's task makes it
        config.getServiceRegistry().registerServiceProvider(new CustomConverterServiceProvider());
        Schema source = config.getSourceInfoStructMaker().schema();
        Schema transaction = config.getTransactionMetadataFactory().getTransactionStructMaker().getTransactionBlockSchema();
        this.builder = new TableSchemaBuilder(PostgresValueConverter.of(config, charset, types), connection.getDefaultValueConverter(),
                config.schemaNameAdjuster(), config.getServiceRegistry().getService(CustomConverterRegistry.class), source, transaction,
                config.getFieldNamer(), false, config.getEventConvertingFailureHandlingMode());
        this.topics = config.getTopicNamingStrategy(CommonConnectorConfig.TOPIC_NAMING_STRATEGY);
        this.sourceBlock = new DebeziumSourceBlock(source, transaction);
    }

    /** True for the operations Debezium makes an envelope of (c, u, d, r); heartbeats, checkpoints, DDL and commits have none. */
    static boolean isRowChange(ChangeEvent event) {
        Op op = event.getOp();
        return op == Op.CREATE || op == Op.UPDATE || op == Op.DELETE || op == Op.READ;
    }

    /** The key and value Debezium would have sent for {@code event}, a row change, to its table's topic. */
    SourceRecord record(ChangeEvent event) {
        if (!isRowChange(event)) {
            throw new IllegalArgumentException("a " + event.getOp() + " event is no row change: Debezium makes no envelope of it");
        }
        Shape shape = tables.computeIfAbsent(event.getTable(), name -> shape(event));
        TableSchema schema = shape.schema();
        Struct before = row(shape, event.getBefore());
        Struct after = row(shape, event.getAfter());
        Struct key = schema.keyFromColumnData(DebeziumColumnValues.of(shape.table(), event.getOp() == Op.DELETE ? event.getBefore()
                : event.getAfter()));
        Struct source = sourceBlock.source(event, database);
        Instant ts = Instant.ofEpochSecond(0, event.getCommitTsMicros() * 1000);
        Envelope envelope = schema.getEnvelopeSchema();
        Struct value = switch (event.getOp()) {
            case CREATE -> envelope.create(after, source, ts);
            case UPDATE -> envelope.update(before, after, source, ts);
            case DELETE -> envelope.delete(before, source, ts);
            default -> envelope.read(after, source, ts);
        };
        value.put(Envelope.FieldName.TRANSACTION, sourceBlock.transaction(event));
        return new SourceRecord(null, null, topics.dataChangeTopic(schema.id()), null, schema.keySchema(), key, envelope.schema(), value);
    }

    private static Struct row(Shape shape, List<Column> columns) {
        return columns == null ? null : shape.schema().valueFromColumnData(DebeziumColumnValues.of(shape.table(), columns));
    }

    /** The table made from the event's columns, as the connector reads it from the catalog and builds its schemas. */
    private Shape shape(ChangeEvent event) {
        List<Column> columns = event.getAfter() != null ? event.getAfter() : event.getBefore();
        String[] name = event.getTable().split("\\.", 2);
        if (name.length != 2 || columns == null || event.getKey() == null) {
            throw new IllegalArgumentException("cannot make table " + event.getTable() + " for Debezium's envelope: it needs schema.table,"
                    + " a row image and a key");
        }
        String definition = columns.stream().map(c -> quote(c.getName()) + " " + c.getPgType()).collect(Collectors.joining(", "))
                + ", PRIMARY KEY (" + event.getKey().stream().map(c -> quote(c.getName())).collect(Collectors.joining(", ")) + ")";
        TableId id = new TableId(null, name[0], name[1]); // the PostgreSQL connector names tables without a catalog
        try {
            connection.execute("CREATE SCHEMA IF NOT EXISTS " + quote(name[0]),
                    "CREATE TABLE " + quote(name[0]) + "." + quote(name[1]) + " (" + definition + ")");
            Tables read = new Tables();
            connection.readSchema(read, null, name[0], id::equals, null, false);
            Table table = read.forTable(id);
            if (table == null) {
                throw new IllegalStateException("Debezium's catalog reader does not see table " + id + " in database " + database);
            }
            return new Shape(table, builder.create(topics, table, config.getColumnFilter(), ColumnMappers.create(config),
                    config.getKeyMapper()));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot make table " + event.getTable() + " (" + definition + ") in database " + database
                    + " for Debezium's envelope: " + e.getMessage(), e);
        }
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    /** Capture's Debezium settings for a capture of the scratch database (nothing connects to the bootstrap servers). */
    private static Properties settings(LocalPostgres pg, String database) {
        Properties capture = new Properties();
        capture.setProperty(CaptureConfig.BOOTSTRAP_SERVERS, "127.0.0.1:9");
        capture.setProperty(CaptureConfig.TABLES, "*.*");
        capture.setProperty(CaptureConfig.DATABASE_HOST, "127.0.0.1");
        capture.setProperty(CaptureConfig.DATABASE_PORT, Integer.toString(pg.port()));
        capture.setProperty(CaptureConfig.DATABASE_NAME, database);
        capture.setProperty(CaptureConfig.DATABASE_USER, pg.user());
        Properties settings = DebeziumSettings.of(CaptureConfig.from(capture, variable -> null));
        settings.setProperty("database.password", pg.password());
        return settings;
    }

    @Override
    public void close() {
        connection.close();
    }
}
