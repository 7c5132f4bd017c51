package dev.strata.sink;

import dev.strata.schemas.watermark.Watermark;
import dev.strata.sink.base.BaseFolder;
import dev.strata.sink.base.BaseMetrics;
import dev.strata.sink.base.BaseScheduler;
import dev.strata.sink.manifest.ManifestSealer;
import dev.strata.sink.residency.DeadLetterPublisher;
import dev.strata.sink.residency.PlacementDirectory;
import dev.strata.sink.residency.ResidencyGuard;
import dev.strata.sink.store.DualRegionUploader;
import dev.strata.sink.erasure.TombstoneWatch;
import dev.strata.sink.store.SinkStores;
import dev.strata.sink.ownership.PartitionOwnership;
import dev.strata.sink.watermark.DurableMarkWriter;
import dev.strata.sink.watermark.PublishedWatermarks;
import dev.strata.sink.watermark.WatermarkPublisher;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.kafka.KafkaReachability;
import dev.strata.schemas.kafka.KafkaUnavailableException;
import dev.strata.schemas.ops.StopSignal;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One regime's sink, assembled and running: the poll thread ({@link SinkLoop}), the upload threads
 * ({@link DualRegionUploader}), the sealer's thread ({@link ManifestSealer}) and the placement
 * follower ({@link PlacementDirectory}). Used by {@link SinkMain} and, in-process, by tests.
 *
 * <p>Startup order: one bounded question to Kafka (an unreachable cluster is said at once, not after
 * the clients' minutes of retries), the stores (a bucket without Object Lock is refused before
 * anything is read), then the topics it writes, the placement directory (loaded to its end before the first
 * record is judged), the watermarks already published (so none regresses, and so the sealer knows
 * hours an earlier run left unsealed), then the consumer.
 */
public final class SinkService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SinkService.class);
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

    private final SinkConfig config;
    private final StopSignal shutdown = new StopSignal();
    private final StopSignal abort = new StopSignal();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final Thread pollThread;
    private final ScheduledExecutorService sealerThread;
    private final ScheduledExecutorService baseThread;
    private final GracefulStop stopping;
    private volatile Throwable failure;

    private SinkService(SinkConfig config, MeterRegistry registry, Clock clock) {
        this.config = config;
        SinkMetrics metrics = new SinkMetrics(registry, config.regime());
        try {
            requireKafka(config);
            SinkStores stores = keep(SinkStores.open(config, clock, abort, metrics));
            try (Admin admin = Admin.create(config.kafka().common())) {
                SinkTopics.ensure(admin, config);
            }
            Producer<byte[], byte[]> producer = keep(new KafkaProducer<>(config.kafka().producer()));
            keep(new KafkaClientMetrics(producer)).bindTo(registry);
            PlacementDirectory placements = keep(new PlacementDirectory(config.kafka().common()));
            placements.catchUp(STARTUP_TIMEOUT, shutdown);
            DualRegionUploader uploader = new DualRegionUploader(stores.primaryUploads(), stores.backupUploads(),
                    config.tuning().uploadConcurrency(), metrics, clock);
            WatermarkPublisher watermarks = new WatermarkPublisher(producer, config.regime(), clock, metrics);
            PartitionOwnership ownership = new PartitionOwnership();
            ManifestSealer sealer = new ManifestSealer(stores.reader(), uploader, watermarks, metrics, clock, config.tuning().manifestGrace(),
                    ownership, stores.bodies());
            PublishedWatermarks topic = new PublishedWatermarks(config.kafka().common(), config.regime(), STARTUP_TIMEOUT, shutdown);
            Map<TenantId, Watermark> published = topic.all();
            LOG.info("{} watermarks of regime {} already published", published.size(), config.regime());
            watermarks.seed(published);
            published.values().forEach(sealer::hint);
            BaseMetrics baseMetrics = new BaseMetrics(registry, config.regime(), clock);
            // bases upload on threads of their own, one object at a time per region: a base of gigabytes never queues
            // ahead of a segment (the RPO) nor holds more than one table's stream open per region
            DualRegionUploader baseUploader = new DualRegionUploader(stores.primaryUploads(), stores.backupUploads(), 1, metrics, clock);
            resources.add(0, baseUploader);
            BaseScheduler bases = new BaseScheduler(new BaseFolder(stores.reader(), baseUploader, stores.bodies(), config.bases(), baseMetrics,
                    clock), watermarks, config.bases(), config.baseTail(), baseMetrics, clock, ownership);
            published.values().forEach(w -> bases.hint(w.tenant(), w.partition()));
            // marks on an uploader of their own too: a tenant's proof never queues ahead of a segment
            DualRegionUploader markUploader = new DualRegionUploader(stores.primaryUploads(), stores.backupUploads(), 1, metrics, clock);
            resources.add(0, markUploader);
            DurableMarkWriter marks = new DurableMarkWriter(markUploader, config.regime(), config.durableMarkInterval(), clock, metrics);
            TombstoneWatch tombstones = new TombstoneWatch(stores.listingRegions().get(0), stores.listingRegions().get(1));
            tombstones.refresh();
            ScheduledExecutorService erasureThread = Executors.newSingleThreadScheduledExecutor(task -> daemon(task, "sink-tombstones"));
            keep(erasureThread::shutdownNow);
            erasureThread.scheduleWithFixedDelay(tombstones::refresh, TombstoneWatch.REFRESH_INTERVAL_MS, TombstoneWatch.REFRESH_INTERVAL_MS,
                    TimeUnit.MILLISECONDS);
            SinkParts parts = new SinkParts(config.regime(), config.routedTopic(), config.tuning(), clock, metrics,
                    new ResidencyGuard(config.regime(), placements), tombstones, new DeadLetterPublisher(producer, clock), uploader, sealer,
                    watermarks, marks, stores.catalog(), bases, ownership, topic, stores.bodies());
            KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config.kafka().consumer());
            // its lag per partition: the consumer lag the dashboard and StrataSinkConsumerLagHigh read
            keep(new KafkaClientMetrics(consumer)).bindTo(registry);
            SinkLoop loop = new SinkLoop(parts, consumer);
            resources.add(0, uploader); // closed before the stores it uses
            this.sealerThread = Executors.newSingleThreadScheduledExecutor(task -> daemon(task, "sink-sealer"));
            long every = config.tuning().manifestCheckInterval().toMillis();
            sealerThread.scheduleWithFixedDelay(sealer::tick, every, every, TimeUnit.MILLISECONDS);
            // bases on their own thread: a fold of minutes never delays sealing, polling or uploads
            this.baseThread = Executors.newSingleThreadScheduledExecutor(task -> daemon(task, "sink-bases"));
            long baseEvery = config.bases().checkInterval().toMillis();
            baseThread.scheduleWithFixedDelay(bases::tick, baseEvery, baseEvery, TimeUnit.MILLISECONDS);
            this.pollThread = new Thread(() -> runLoop(loop, consumer, metrics), "sink-poll");
            this.stopping = new GracefulStop(shutdown, abort, pollThread, sealerThread, baseThread, List.of(uploader, markUploader, baseUploader),
                    config.tuning().revocationTimeout(), clock);
        } catch (RuntimeException e) {
            closeResources();
            throw e;
        }
        pollThread.start();
        LOG.info("sink started: {}", config);
    }

    /**
     * Opens the stores, checks them, loads the directory and starts consuming.
     *
     * @throws KafkaUnavailableException when no broker answers within {@link KafkaReachability#STARTUP_DEADLINE}
     */
    public static SinkService start(SinkConfig config, MeterRegistry registry, Clock clock) {
        return new SinkService(config, registry, clock);
    }

    private static void requireKafka(SinkConfig config) {
        try {
            KafkaReachability.require(config.kafka().common(), "the sink of regime " + config.regime());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Kafka to answer", e);
        }
    }

    private void runLoop(SinkLoop loop, KafkaConsumer<byte[], byte[]> consumer, SinkMetrics metrics) {
        try {
            loop.run(shutdown);
        } catch (SinkFailedException e) {
            failure = e;
            LOG.error("{}", e.getMessage(), e);
        } catch (RuntimeException e) {
            failure = e;
            metrics.failed();
            LOG.error("sink of regime {} stopped on an unexpected error: {}", config.regime(), e.toString(), e);
        } finally {
            consumer.close();
        }
    }

    /** Whether the poll thread is still running. */
    public boolean running() {
        return pollThread.isAlive();
    }

    /** The error the sink stopped on, if it did. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    /** Blocks until the poll thread ends (an error, or {@link #close}). */
    public void awaitStop() throws InterruptedException {
        pollThread.join();
    }

    /**
     * Stops gracefully ({@link GracefulStop}): open segments are closed (SHUTDOWN) and made durable in
     * both regions, their offsets committed and their watermarks published; then every object already
     * handed to the uploaders (a manifest, a base object) is finished in both regions, each phase
     * within the revocation timeout; only then are retries abandoned and everything closed.
     */
    @Override
    public void close() {
        stopping.run(() -> failure != null);
        closeResources();
        LOG.info("sink of regime {} stopped", config.regime());
    }

    private <T extends AutoCloseable> T keep(T resource) {
        resources.add(0, resource); // closed in reverse order of opening
        return resource;
    }

    private void closeResources() {
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                LOG.warn("closing {}: {}", resource.getClass().getSimpleName(), e.toString());
            }
        }
        resources.clear();
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }
}
