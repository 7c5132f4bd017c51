package dev.strata.restore.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.local.LocalKafka;
import dev.strata.local.LocalObjectStores;
import dev.strata.local.LocalRegion;
import dev.strata.local.StoreRole;
import dev.strata.restore.ToolConfig;
import dev.strata.restore.plan.RestoreTime;
import dev.strata.schemas.kafka.CompactedTopic;
import dev.strata.schemas.kafka.Topics;
import dev.strata.schemas.ops.StopSignal;
import dev.strata.schemas.regime.RegimeSettings;
import dev.strata.schemas.regime.RegionSettings;
import dev.strata.schemas.watermark.WatermarkCodec;
import dev.strata.sink.SinkConfig;
import dev.strata.sink.SinkService;
import dev.strata.streams.RouterConfig;
import dev.strata.streams.RouterMain;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SortedMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;

/**
 * The backup side of the whole chain on the local stack, as production runs it: the router as its
 * own JVM (RouterMain), one sink (SinkService) for a regime of its own with locked buckets in both
 * Ceph regions, and a restore-tool config with that regime's READER keys. A test places its tenants,
 * runs a capture on its own database, and reads what is durable from {@code strata.watermarks}.
 */
public final class BackupChain implements AutoCloseable {
    private final LocalKafka kafka;
    private final String regime;
    private final Process router;
    private final Path routerLog;
    private final SinkService sink;
    private final Path toolConfig;

    private BackupChain(LocalKafka kafka, String regime, Process router, Path routerLog, SinkService sink, Path toolConfig) {
        this.kafka = kafka;
        this.regime = regime;
        this.router = router;
        this.routerLog = routerLog;
        this.sink = sink;
        this.toolConfig = toolConfig;
    }

    /** @param properties settings for the router, the sink and the tool alike (e.g. strata.max.event.bytes) */
    public static BackupChain start(LocalKafka kafka, LocalObjectStores stores, Path dir, Properties properties) throws IOException {
        return start(kafka, stores, dir, properties, new Properties());
    }

    /** @param sinkOnly settings of the sink alone (the router refuses keys it does not know), e.g. strata.segment.max.records */
    public static BackupChain start(LocalKafka kafka, LocalObjectStores stores, Path dir, Properties properties, Properties sinkOnly)
            throws IOException {
        String regime = "chain-" + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 24), 36);
        stores.primary().createLockedBucket(regime + "-primary");
        stores.backup().createLockedBucket(regime + "-backup");
        Files.createDirectories(dir);

        Properties routerProps = new Properties();
        routerProps.putAll(properties);
        routerProps.setProperty(RouterConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        routerProps.setProperty(RouterConfig.APPLICATION_ID, "router-" + regime);
        routerProps.setProperty(RouterConfig.REGIMES, regime);
        routerProps.setProperty(RouterConfig.TOPIC_PARTITIONS, "3");
        routerProps.setProperty(RouterConfig.TOPIC_REPLICATION, "1");
        Path routerFile = store(routerProps, dir.resolve("router.properties"));
        Path routerLog = dir.resolve("router.log");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process router = new ProcessBuilder(List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                RouterMain.class.getName(), routerFile.toString()))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(routerLog.toFile())).start();
        awaitRouterTopics(kafka, regime, router, routerLog);

        Properties sinkProps = new Properties();
        sinkProps.putAll(properties);
        sinkProps.putAll(sinkOnly);
        sinkProps.setProperty("bootstrap.servers", kafka.bootstrapServers());
        sinkProps.setProperty(SinkConfig.REGIME, regime);
        region(sinkProps, regime, RegionSettings.PRIMARY, stores.primary(), regime + "-primary");
        region(sinkProps, regime, RegionSettings.BACKUP, stores.backup(), regime + "-backup");
        String kekFile = RegimeSettings.regimeKey(regime, RegimeSettings.KEK_FILE);
        sinkProps.setProperty(kekFile, stores.kekFile(regime).toString());
        sinkProps.setProperty(SinkConfig.FLUSH_INTERVAL_MS, "300");
        sinkProps.setProperty(SinkConfig.MANIFEST_CHECK_INTERVAL_MS, "1000");
        sinkProps.putIfAbsent(SinkConfig.DURABLE_MARK_INTERVAL_MS, "500");
        sinkProps.setProperty(SinkConfig.TOPIC_REPLICATION, "1");
        sinkProps.setProperty(SinkConfig.TOPIC_PARTITIONS, "3");
        SinkService sink = SinkService.start(SinkConfig.from(sinkProps), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                Clock.systemUTC());

        Properties toolProps = LocalStores.regime(regime, stores.primary(), regime + "-primary", stores.backup(), regime + "-backup");
        properties.stringPropertyNames().forEach(key -> toolProps.setProperty(key, properties.getProperty(key)));
        toolProps.setProperty(ToolConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        toolProps.setProperty(ToolConfig.REGIMES, regime);
        toolProps.setProperty(kekFile, stores.kekFile(regime).toString());
        return new BackupChain(kafka, regime, router, routerLog, sink, store(toolProps, dir.resolve("restore.properties")));
    }

    /** The regime's bucket in the primary region. */
    public String primaryBucket() {
        return regime + "-primary";
    }

    /** The chain's regime: its buckets are {@code <regime>-primary} and {@code <regime>-backup}. */
    public String regime() {
        return regime;
    }

    public Path toolConfig() {
        return toolConfig;
    }

    public void place(String tenant) {
        ToolRun put = ToolRun.run(toolConfig, "tenants", "put", tenant, regime);
        assertThat(put.code()).as(put.err()).isZero();
    }

    /** The tenant's last commit time durable in both regions, from its watermark; -1 before the first. */
    public long durableMicros(String tenant) {
        Properties props = new Properties();
        props.setProperty("bootstrap.servers", kafka.bootstrapServers());
        SortedMap<String, byte[]> marks = CompactedTopic.read(props, Topics.WATERMARKS, Duration.ofSeconds(10), new StopSignal());
        byte[] mark = marks.get(tenant);
        return mark == null ? -1 : WatermarkCodec.decode(mark).durableCommitMicros();
    }

    /**
     * Waits until the tenant's changes committed up to {@code commitMicros} are durable AND a restore to
     * that time is offered: the watermark (Kafka) moves first, the durable marks a restore reads from the
     * store follow within the sink's mark interval. Returns when the watermark showed it (a latency).
     */
    public long awaitDurable(String tenant, long commitMicros, Duration limit) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + limit.toNanos();
        long seen = -1;
        long watermark = -1;
        while (System.nanoTime() < deadline) {
            assertThat(router.isAlive()).as("the router runs; its log:\n%s", Files.readString(routerLog)).isTrue();
            assertThat(sink.failure()).as("the sink runs").isEmpty();
            if (seen < 0 && durableMicros(tenant) >= commitMicros) {
                seen = System.nanoTime();
                watermark = durableMicros(tenant);
            }
            // the marks have caught up with the watermark seen (also when any point at all was asked for)
            if (seen >= 0 && restorableTo(tenant, watermark)) {
                return seen;
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        throw new AssertionError("tenant " + tenant + " not durable up to " + commitMicros + " within " + limit + " (watermark: "
                + durableMicros(tenant) + (seen >= 0 ? ", reached; the durable marks in the store not yet" : "") + ")");
    }

    private boolean restorableTo(String tenant, long micros) {
        return ToolRun.run(toolConfig, "replay", "--tenant", tenant, "--until", RestoreTime.format(micros), "--dry-run").code() == 0;
    }

    @Override
    public void close() throws InterruptedException {
        sink.close();
        router.destroy();
        if (!router.waitFor(30, TimeUnit.SECONDS)) {
            router.destroyForcibly();
        }
    }

    /** The router creates the placement directory and the regime's topic at startup: placing a tenant needs them. */
    private static void awaitRouterTopics(LocalKafka kafka, String regime, Process router, Path routerLog) throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            while (true) {
                assertThat(router.isAlive()).as("the router runs; its log:\n%s", Files.readString(routerLog)).isTrue();
                if (admin.listTopics().names().get().containsAll(List.of(Topics.TENANTS, Topics.routed(regime)))) {
                    return;
                }
                assertThat(System.nanoTime()).as("the router's topics within 60 s; its log:\n%s", Files.readString(routerLog))
                        .isLessThan(deadline);
                TimeUnit.MILLISECONDS.sleep(200);
            }
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException("cannot list the router's topics", e);
        }
    }

    private static void region(Properties p, String regime, String role, LocalRegion region, String bucket) {
        p.setProperty(RegimeSettings.key(regime, role, RegimeSettings.ENDPOINT), region.endpoint().toString());
        p.setProperty(RegimeSettings.key(regime, role, RegimeSettings.BUCKET), bucket);
        p.setProperty(RegimeSettings.key(regime, role, RegimeSettings.SIGNING_REGION), region.signingRegion());
        p.setProperty(RegimeSettings.key(regime, role, RegimeSettings.CREDENTIALS_FILE), region.credentialsFile(StoreRole.WRITER).toString());
    }

    private static Path store(Properties props, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            props.store(out, "LargeValuesIT");
        }
        return file;
    }
}
