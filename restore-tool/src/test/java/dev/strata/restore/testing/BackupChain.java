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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SortedMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;

/**
 * The backup side of the whole chain on the local stack, as production runs it: the router as its
 * own JVM (RouterMain), one sink (SinkService) for each regime of its own (one, or more for a move)
 * with locked buckets in both Ceph regions, and a restore-tool config with those regimes' READER keys
 * (and the key-admin and ledger users' keys). A test places its tenants,
 * runs a capture on its own database, and reads what is durable from {@code strata.watermarks}.
 */
public final class BackupChain implements AutoCloseable {
    private final LocalKafka kafka;
    private final List<String> regimes;
    private final Process router;
    private final Path routerLog;
    private final List<SinkService> sinks;
    private final Path toolConfig;

    private BackupChain(LocalKafka kafka, List<String> regimes, Process router, Path routerLog, List<SinkService> sinks, Path toolConfig) {
        this.kafka = kafka;
        this.regimes = List.copyOf(regimes);
        this.router = router;
        this.routerLog = routerLog;
        this.sinks = List.copyOf(sinks);
        this.toolConfig = toolConfig;
    }

    /** @param properties settings for the router, the sink and the tool alike (e.g. strata.max.event.bytes) */
    public static BackupChain start(LocalKafka kafka, LocalObjectStores stores, Path dir, Properties properties) throws IOException {
        return start(kafka, stores, dir, properties, new Properties());
    }

    /** @param sinkOnly settings of the sink alone (the router refuses keys it does not know), e.g. strata.segment.max.records */
    public static BackupChain start(LocalKafka kafka, LocalObjectStores stores, Path dir, Properties properties, Properties sinkOnly)
            throws IOException {
        return start(kafka, stores, dir, properties, sinkOnly, 1);
    }

    /**
     * A chain of {@code regimeCount} regimes of its own ({@code <chain>-1}, {@code <chain>-2}, ...): one router routing to all,
     * one sink each, and a tool config naming every regime with its reader keys, plus the key-admin and ledger users' keys.
     */
    public static BackupChain start(LocalKafka kafka, LocalObjectStores stores, Path dir, Properties properties, Properties sinkOnly,
                                    int regimeCount) throws IOException {
        String chain = "chain-" + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 24), 36);
        List<String> regimes = regimeCount == 1 ? List.of(chain)
                : IntStream.rangeClosed(1, regimeCount).mapToObj(n -> chain + "-" + n).toList();
        for (String regime : regimes) {
            stores.primary().createLockedBucket(regime + "-primary");
            stores.backup().createLockedBucket(regime + "-backup");
        }
        Files.createDirectories(dir);

        Properties routerProps = new Properties();
        routerProps.putAll(properties);
        routerProps.setProperty(RouterConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        routerProps.setProperty(RouterConfig.APPLICATION_ID, "router-" + chain);
        routerProps.setProperty(RouterConfig.REGIMES, String.join(",", regimes));
        routerProps.setProperty(RouterConfig.TOPIC_PARTITIONS, "3");
        routerProps.setProperty(RouterConfig.TOPIC_REPLICATION, "1");
        Path routerFile = store(routerProps, dir.resolve("router.properties"));
        Path routerLog = dir.resolve("router.log");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process router = new ProcessBuilder(List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                RouterMain.class.getName(), routerFile.toString()))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(routerLog.toFile())).start();
        for (String regime : regimes) {
            awaitRouterTopics(kafka, regime, router, routerLog);
        }

        List<SinkService> sinks = new ArrayList<>();
        Properties toolProps = new Properties();
        for (String regime : regimes) {
            sinks.add(sink(kafka, stores, properties, sinkOnly, regime));
            toolProps.putAll(LocalStores.regime(regime, stores.primary(), regime + "-primary", stores.backup(), regime + "-backup"));
            toolProps.setProperty(RegimeSettings.regimeKey(regime, RegimeSettings.KEK_FILE), stores.kekFile(regime).toString());
            for (String side : List.of(RegionSettings.PRIMARY, RegionSettings.BACKUP)) {
                LocalRegion region = side.equals(RegionSettings.PRIMARY) ? stores.primary() : stores.backup();
                toolProps.setProperty(RegimeSettings.key(regime, side, ToolConfig.KEY_ADMIN_CREDENTIALS_FILE),
                        region.credentialsFile(StoreRole.KEY_ADMIN).toString());
                toolProps.setProperty(RegimeSettings.key(regime, side, ToolConfig.LEDGER_CREDENTIALS_FILE),
                        region.credentialsFile(StoreRole.LEDGER).toString());
            }
        }
        properties.stringPropertyNames().forEach(key -> toolProps.setProperty(key, properties.getProperty(key)));
        toolProps.setProperty(ToolConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        toolProps.setProperty(ToolConfig.REGIMES, String.join(",", regimes));
        return new BackupChain(kafka, regimes, router, routerLog, sinks, store(toolProps, dir.resolve("restore.properties")));
    }

    private static SinkService sink(LocalKafka kafka, LocalObjectStores stores, Properties properties, Properties sinkOnly, String regime) {
        Properties sinkProps = new Properties();
        sinkProps.putAll(properties);
        sinkProps.putAll(sinkOnly);
        sinkProps.setProperty("bootstrap.servers", kafka.bootstrapServers());
        sinkProps.setProperty(SinkConfig.REGIME, regime);
        region(sinkProps, regime, RegionSettings.PRIMARY, stores.primary(), regime + "-primary");
        region(sinkProps, regime, RegionSettings.BACKUP, stores.backup(), regime + "-backup");
        sinkProps.setProperty(RegimeSettings.regimeKey(regime, RegimeSettings.KEK_FILE), stores.kekFile(regime).toString());
        sinkProps.setProperty(SinkConfig.FLUSH_INTERVAL_MS, "300");
        sinkProps.setProperty(SinkConfig.MANIFEST_CHECK_INTERVAL_MS, "1000");
        sinkProps.putIfAbsent(SinkConfig.DURABLE_MARK_INTERVAL_MS, "500");
        sinkProps.setProperty(SinkConfig.TOPIC_REPLICATION, "1");
        sinkProps.setProperty(SinkConfig.TOPIC_PARTITIONS, "3");
        return SinkService.start(SinkConfig.from(sinkProps), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Clock.systemUTC());
    }

    /** The (first) regime's bucket in the primary region. */
    public String primaryBucket() {
        return regime() + "-primary";
    }

    /** The chain's (first) regime: its buckets are {@code <regime>-primary} and {@code <regime>-backup}. */
    public String regime() {
        return regimes.get(0);
    }

    /** Every regime of the chain, in the order they were made. */
    public List<String> regimes() {
        return regimes;
    }

    public Path toolConfig() {
        return toolConfig;
    }

    public void place(String tenant) {
        place(tenant, regime());
    }

    public void place(String tenant, String regime) {
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
            sinks.forEach(sink -> assertThat(sink.failure()).as("the sink runs").isEmpty());
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
        for (SinkService sink : sinks) {
            sink.close();
        }
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
