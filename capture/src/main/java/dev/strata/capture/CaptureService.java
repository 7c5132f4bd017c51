package dev.strata.capture;

import dev.strata.capture.order.CutClock;
import dev.strata.capture.checkpoint.CheckpointSchedule;
import dev.strata.capture.checkpoint.CheckpointTaker;
import dev.strata.capture.ddl.DdlHistory;
import dev.strata.capture.ddl.DdlMessage;
import dev.strata.capture.ddl.DefinitionWriter;
import dev.strata.capture.heartbeat.HeartbeatSchedule;
import dev.strata.capture.heartbeat.KnownTenants;
import dev.strata.capture.pg.ColumnTypes;
import dev.strata.capture.pg.SlotRetention;
import dev.strata.capture.pg.TableCatalog;
import dev.strata.capture.tables.CapturedTables;
import dev.strata.schemas.kafka.KafkaReachability;
import dev.strata.schemas.ops.ServiceMeters;
import dev.strata.schemas.event.ChangeEventCodec;
import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;

/**
 * One running capture: checks the tables, creates the topics, makes the publication cover the
 * selected tables and requests the snapshots of added ones ({@link CapturedTables}), then runs the
 * Debezium engine with {@link ChangePublisher} on its own thread until closed or until the engine
 * stops on an error. It streams once its initial snapshot is in Kafka, its slot is active and the
 * publication covers every selected table ({@link #awaitStreaming}); until then a failed snapshot is
 * retried by Debezium.
 */
public final class CaptureService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CaptureService.class);
    private static final Duration PRODUCER_CLOSE = Duration.ofSeconds(30);

    private final CaptureConfig config;
    private final DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
    private final ExecutorService thread;
    private final KafkaProducer<byte[], byte[]> producer;
    private final TableCatalog catalog;
    private final ServiceMeters meters;
    private final boolean ownsMeters;
    private final SlotRetention slotRetention;
    private final CheckpointTaker checkpoints;
    private final StreamingWatch streaming;
    private CheckpointSchedule checkpointSchedule;
    private HeartbeatSchedule heartbeatSchedule;
    private DefinitionWriter definitionWriter;
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private final AtomicBoolean closing = new AtomicBoolean();

    private CaptureService(CaptureConfig config, TableCatalog catalog, ServiceMeters meters, boolean ownsMeters,
            KafkaProducer<byte[], byte[]> producer, ChangePublisher publisher, StreamingWatch streaming, Clock clock) {
        this.config = config;
        this.catalog = catalog;
        this.meters = meters;
        this.ownsMeters = ownsMeters;
        this.slotRetention = SlotRetention.start(config, meters.registry());
        this.producer = producer;
        this.streaming = streaming;
        this.checkpoints = CheckpointTaker.of(config);
        this.engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                .using(DebeziumSettings.of(config))
                .using(clock)
                .notifying(publisher)
                .using(this::engineStopped)
                .build();
        this.thread = Executors.newSingleThreadExecutor(r -> new Thread(r, "capture-engine-" + config.name()));
    }

    /**
     * Checks, creates topics and starts the engine; the caller closes it. Returns while the initial
     * snapshot may still run: {@link #awaitStreaming} waits for its end.
     *
     * @throws dev.strata.schemas.kafka.KafkaUnavailableException when no broker answers within {@link KafkaReachability#STARTUP_DEADLINE}
     */
    public static CaptureService start(CaptureConfig config, Clock clock) throws IOException, InterruptedException {
        return start(config, clock, DeliveryListener.NONE);
    }

    static CaptureService start(CaptureConfig config, Clock clock, DeliveryListener listener) throws IOException, InterruptedException {
        return start(config, clock, listener, null);
    }

    /** One of several databases of one process ({@code CaptureGroup}): the process's meters, closed by the caller. */
    public static CaptureService start(CaptureConfig config, Clock clock, ServiceMeters sharedMeters, Set<String> fixedToOtherDatabases)
            throws IOException, InterruptedException {
        return start(config, clock, DeliveryListener.NONE, sharedMeters, fixedToOtherDatabases);
    }

    /**
     * @param sharedMeters the process's meters when several databases are captured in it (the caller closes them), or
     *     null for meters of its own on {@link CaptureConfig#metricsPort()}
     */
    static CaptureService start(CaptureConfig config, Clock clock, DeliveryListener listener, ServiceMeters sharedMeters)
            throws IOException, InterruptedException {
        return start(config, clock, listener, sharedMeters, Set.of());
    }

    /** @param fixedToOtherDatabases the tenants whose own database another capture of this process serves */
    private static CaptureService start(CaptureConfig config, Clock clock, DeliveryListener listener, ServiceMeters sharedMeters,
            Set<String> fixedToOtherDatabases) throws IOException, InterruptedException {
        KafkaReachability.require(config.kafkaClient(), "capture " + config.name());
        try (Admin admin = Admin.create(config.kafkaClient())) {
            CaptureTopics.ensure(admin, config).forEach(topic -> LOG.info("created topic {}", topic));
        }
        TenantResolver tenants = TenantResolver.of(config);
        TableCatalog catalog = TableCatalog.of(config);
        ServiceMeters meters = null;
        KafkaProducer<byte[], byte[]> producer = null;
        try {
            StartupChecks.run(config, tenants, catalog::describe, CapturedTables.matching(config)).forEach(LOG::warn);
            long newestCommitMicros = DebeziumOffsets.newestCommitMicros(config);
            // before the engine starts: the publication covers the selection, added tables have their snapshot requested
            CapturedTables.prepare(config, newestCommitMicros != Long.MIN_VALUE);
            prepareDdlHistory(config);
            meters = sharedMeters != null ? sharedMeters : ServiceMeters.start(config.metricsPort());
            CaptureMetrics metrics = new CaptureMetrics(meters.registry(), clock, config.name());
            producer = new KafkaProducer<>(producerProperties(config), new ByteArraySerializer(), new ByteArraySerializer());
            meters.bind(new KafkaClientMetrics(producer));
            KnownTenants known = KnownTenants.forDatabase(config.fixedTenant(), fixedToOtherDatabases);
            ColumnTypes types = new ColumnTypes(catalog::describe);
            // each definition in the WAL states the table's replica identity where it stands (an ALTER ... REPLICA IDENTITY
            // changes no row's schema)
            ChangeConverter converter = new ChangeConverter(config.name(), tenants, types, known, new CutClock(newestCommitMicros),
                    config.signalTable(), config.ddlHistory() ? new DdlMessage(config.name(), tenants, known,
                            table -> !table.equals(config.signalTable()) && config.tableSelection().matches(table), types::defined) : null);
            StreamingWatch streaming = new StreamingWatch(config.name(), new StreamingCheck(config)::look, metrics::streamingConfirmed);
            ChangePublisher publisher = new ChangePublisher(producer, converter, new ChangeEventCodec(),
                    new DeadLetters(config.name(), clock), DeliveryListener.both(DeliveryListener.both(metrics, streaming), listener),
                    clock, config.sizeLimits(), 2 * config.batchSize());
            CaptureService service = new CaptureService(config, catalog, meters, sharedMeters == null, producer, publisher, streaming,
                    clock);
            service.thread.execute(service.engine);
            service.checkpointSchedule = CheckpointSchedule.start(service.checkpoints,
                    Duration.ofMillis(config.checkpointIntervalMs()), config.name());
            service.heartbeatSchedule = HeartbeatSchedule.start(config, known, service::streaming, metrics::heartbeatEmitted);
            service.definitionWriter = DefinitionWriter.start(config, service::streaming);
            if (service.definitionWriter != null) {
                known.onNewTenant(service.definitionWriter::request);
            }
            // "started" would be premature: a snapshot can still fail; StreamingWatch logs "capture streaming"
            LOG.info("capture starting: {}, metrics {}", config, meters.port().map(port -> "on :" + port + "/metrics").orElse("off"));
            return service;
        } catch (IOException | RuntimeException e) {
            if (producer != null) {
                producer.close(Duration.ZERO);
            }
            if (meters != null && sharedMeters == null) {
                meters.close();
            }
            closeQuietly(catalog);
            throw e;
        }
    }

    private static void prepareDdlHistory(CaptureConfig config) {
        try {
            DdlHistory.prepare(config);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("capture cannot start: cannot install or check the DDL event trigger "
                    + DdlHistory.TRIGGER + " in database " + config.databaseName() + ": " + e.getMessage() + " (install "
                    + DdlHistory.SCRIPT + " as a superuser, or set " + CaptureConfig.DDL_HISTORY + "=off)", e);
        }
    }

    static Properties producerProperties(CaptureConfig config) {
        Properties producer = new Properties();
        producer.putAll(config.kafkaClient());
        producer.setProperty(ProducerConfig.CLIENT_ID_CONFIG, "strata-capture-" + config.name());
        producer.setProperty(ProducerConfig.LINGER_MS_CONFIG, "5");
        producer.setProperty(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
        producer.putAll(config.producerOverrides());
        // not overridable: the one strata.max.event.bytes sizes every hop
        config.sizeLimits().applyToProducer(producer);
        // not overridable: these are what "acknowledged" means here (DESIGN.md section 4)
        producer.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        producer.setProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        producer.setProperty(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");
        return producer;
    }

    /**
     * Takes a checkpoint now (on demand, beside the schedule): returns once it is in the WAL; the
     * engine publishes its CHECKPOINT events when it reaches it.
     */
    public void checkpointNow() throws java.sql.SQLException {
        checkpoints.take();
    }

    /**
     * Waits until capture streams: its initial snapshot (if one was due) completed and every row of it
     * is in Kafka, its slot is active and its publication covers every selected table; changes committed
     * from the snapshot's point on arrive as change events; with schema history, the captured tables'
     * definitions are in the WAL.
     *
     * @throws CaptureStoppedException when the engine stopped before
     * @throws TimeoutException when the snapshot is still running or being retried, or the database does not
     *     show the slot active and the tables published, after {@code timeout}
     */
    public void awaitStreaming(Duration timeout) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        streaming.await(timeout);
        // with schema history, a change committed from now on has its tables' definitions before it in the WAL
        if (definitionWriter != null && !definitionWriter.awaitFirstWrite(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
            throw new TimeoutException("capture " + config.name() + " streams, but could not write the captured tables' definitions"
                    + " into the WAL within " + timeout + " (its log says why)");
        }
    }

    /** Whether capture streams (see {@link #awaitStreaming}) and its engine has not stopped. */
    public boolean streaming() {
        return streaming.isStreaming() && !stopped.isDone();
    }

    /**
     * Waits until the engine stops by itself (an error) or is closed.
     *
     * @return true when it stopped cleanly
     */
    public boolean awaitStop(Duration timeout) throws InterruptedException, TimeoutException {
        try {
            stopped.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException e) {
            return false;
        }
    }

    /** Completes when the engine stops: normally once closed, exceptionally after an error. */
    public java.util.concurrent.CompletionStage<Void> stopped() {
        return stopped.minimalCompletionStage();
    }

    /** The error the engine stopped with, or null while running or after a clean stop. */
    public Throwable failure() {
        if (!stopped.isCompletedExceptionally()) {
            return null;
        }
        try {
            stopped.join();
            return null;
        } catch (java.util.concurrent.CompletionException e) {
            return e.getCause();
        }
    }

    private void engineStopped(boolean success, String message, Throwable error) {
        if (success || closing.get()) {
            LOG.info("capture {} stopped: {}", config.name(), message);
            streaming.engineStopped("it was closed", error);
            stopped.complete(null);
        } else {
            LOG.error("capture {} stopped after an error: {}", config.name(), message, error);
            streaming.engineStopped(message + "; remove the cause named in the log and start it again (the snapshot is"
                    + " taken again)", error);
            stopped.completeExceptionally(error != null ? error : new CaptureStoppedException(message));
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        closing.set(true);
        if (checkpointSchedule != null) {
            checkpointSchedule.close();
        }
        if (heartbeatSchedule != null) {
            heartbeatSchedule.close();
        }
        if (definitionWriter != null) {
            definitionWriter.close();
        }
        try {
            engine.close();
        } catch (IllegalStateException alreadyStopped) {
            // the engine stopped by itself; its completion callback has run
        }
        thread.shutdown();
        if (!thread.awaitTermination(60, TimeUnit.SECONDS)) {
            LOG.warn("capture {}: the engine thread did not stop within 60 s", config.name());
        }
        producer.close(PRODUCER_CLOSE);
        closeQuietly(catalog);
        slotRetention.close();
        if (ownsMeters) {
            meters.close();
        }
    }

    private static void closeQuietly(TableCatalog catalog) {
        try {
            catalog.close();
        } catch (java.sql.SQLException e) {
            LOG.warn("closing the catalog connection failed: {}", e.getMessage());
        }
    }
}
