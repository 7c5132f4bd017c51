package dev.strata.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.capture.CaptureTestSetup;
import dev.strata.capture.CaptureService;
import dev.strata.local.LocalKafka;
import dev.strata.local.LocalObjectStores;
import dev.strata.local.LocalPostgres;
import dev.strata.local.LocalStackExtension;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.durable.DurableMark;
import dev.strata.schemas.durable.DurableMarkCodec;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.store.ListedObject;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.avro.Op;
import dev.strata.schemas.event.ChangeEventCodec;
import dev.strata.schemas.kafka.Topics;
import dev.strata.streams.RouterConfig;
import dev.strata.streams.RouterTopology;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The durable point of an idle tenant on the real path: Postgres, capture (heartbeats every second,
 * the default), the router, the sink and two RGW regions. A tenant that stops changing still has its
 * watermark advance past its last commit within seconds while another tenant keeps writing; and a
 * heartbeat behind a change whose upload cannot reach the backup region does not move the
 * watermark past that change until the upload is durable.
 */
@ExtendWith(LocalStackExtension.class)
class IdleTenantDurablePointIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final ChangeEventCodec CODEC = new ChangeEventCodec();

    @Test
    void anIdleTenantsWatermarkFollowsHeartbeatsButNeverPassesAChangeStillUploading(LocalKafka kafka, LocalPostgres pg,
            LocalObjectStores stores) throws Exception {
        String name = "durable" + Long.toString(System.nanoTime() % 1_000_000, 36);
        pg.createDatabase(name);
        CaptureTestSetup.execute(pg, name, "CREATE TABLE orders (tenant_id text, id bigint, note text, PRIMARY KEY (tenant_id, id))");
        Path stateDir = Files.createTempDirectory("router-state");
        ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
        try (SinkTestBed bed = new SinkTestBed(kafka, stores, "idle", 3)) {
            // tenants of this run only: the placement directory is shared by every sink IT of this JVM
            String quiet = "quiet-" + bed.regime;
            String busy = "busy-" + bed.regime;
            bed.place(quiet, bed.regime);
            bed.place(busy, bed.regime);
            try (SinkService sink = SinkService.start(SinkConfig.from(bed.sinkProperties()), new SimpleMeterRegistry(), Clock.systemUTC());
                 CaptureService capture = CaptureService.start(CaptureTestSetup.config(CaptureTestSetup.properties(kafka, pg, name, name,
                         "public.orders")), Clock.systemUTC());
                 KafkaStreams router = router(kafka, bed.regime, name, stateDir)) { // capture created its input topic
                capture.awaitStreaming(TIMEOUT);
                CaptureTestSetup.execute(pg, name, "INSERT INTO orders SELECT '" + quiet + "', g, 'a' || g FROM generate_series(1, 20) g");
                long quietLastCommitAtMost = nowMicros(); // its commit returned: Postgres committed it at or before now
                AtomicInteger busyRows = new AtomicInteger();
                writer.scheduleAtFixedRate(() -> insert(pg, name, busy, busyRows.incrementAndGet()), 0, 200, TimeUnit.MILLISECONDS);

                long idleSince = System.nanoTime();
                SinkTestBed.await("the quiet tenant's watermark past its last commit while the busy one writes", Duration.ofSeconds(15),
                        () -> durable(bed, quiet) > quietLastCommitAtMost);
                System.out.printf("idle tenant's watermark passed its last commit after %d ms%n",
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - idleSince));
                assertThat(busyRows.get()).as("the busy tenant kept writing meanwhile").isPositive();
                printIdleAge(bed, quiet, 20);
                // what a restore reads when Kafka is gone: the marks in the store follow the heartbeats too
                for (ObjectStore region : List.of(bed.primaryReader(), bed.backupReader())) {
                    SinkTestBed.await("the quiet tenant's newest durable mark in " + region.describe() + " past its last commit",
                            Duration.ofSeconds(15), () -> newestMark(region, quiet) > quietLastCommitAtMost);
                }

                heldUploadKeepsTheWatermarkBehindTheChange(bed, stores, pg, name, quiet);
                assertThat(sink.failure()).isEmpty();
            } finally {
                writer.shutdownNow();
                CaptureTestSetup.dropSlot(pg, name, name + "_slot");
            }
        }
    }

    /** The backup region stops taking puts; {@code tenant} changes once; heartbeats behind it flow, but the watermark waits. */
    private static void heldUploadKeepsTheWatermarkBehindTheChange(SinkTestBed bed, LocalObjectStores stores, LocalPostgres pg,
            String db, String tenant) throws Exception {
        stores.backup().stopGateway();
        long changeCommit;
        try {
            insert(pg, db, tenant, 1000);
            changeCommit = awaitRouted(bed, e -> e.getTenant().equals(tenant) && e.getOp() == Op.CREATE
                    && e.getKey().get(1).getValue().equals(1000L)).getCommitTsMicros();
            SinkTestBed.await("three heartbeats of the tenant routed behind the change", TIMEOUT,
                    () -> routed(bed).stream().filter(e -> e.getTenant().equals(tenant) && e.getOp() == Op.HEARTBEAT
                            && e.getCommitTsMicros() > changeCommit).count() >= 3);
            SinkTestBed.await("the change in the primary region", TIMEOUT,
                    () -> bed.eventIds(SinkTestBed.segments(bed.primaryReader(), tenant)).size() == 21);
            long waitingSince = System.nanoTime();
            while (System.nanoTime() - waitingSince < Duration.ofSeconds(3).toNanos()) {
                assertThat(durable(bed, tenant)).as("the watermark while the tenant's change is in one region only")
                        .isLessThan(changeCommit);
                Thread.sleep(250);
            }
        } finally {
            stores.backup().startGateway();
        }
        SinkTestBed.await("the watermark past the change once both regions hold it", TIMEOUT,
                () -> durable(bed, tenant) > changeCommit);
    }

    private static void printIdleAge(SinkTestBed bed, String tenant, int samples) throws InterruptedException {
        List<Long> ages = new ArrayList<>();
        for (int i = 0; i < samples; i++) {
            ages.add((nowMicros() - durable(bed, tenant)) / 1_000);
            Thread.sleep(500);
        }
        List<Long> sorted = ages.stream().sorted().toList();
        System.out.printf("idle tenant's watermark age (now - durableCommit), %d samples 500 ms apart: min %d ms, median %d ms,"
                + " max %d ms%n", samples, sorted.get(0), sorted.get(samples / 2), sorted.get(samples - 1));
        assertThat(sorted.get(samples - 1)).as("an idle tenant's durable point stays within seconds of now").isLessThan(5_000);
    }

    private static long durable(SinkTestBed bed, String tenant) {
        var watermark = bed.watermarks().get(tenant);
        return watermark == null ? Long.MIN_VALUE : watermark.durableCommitMicros();
    }

    private static List<ChangeEvent> routed(SinkTestBed bed) {
        List<ChangeEvent> events = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : bed.readTopic(Topics.routed(bed.regime))) {
            events.add(CODEC.decode(record.value()));
        }
        return events;
    }

    private static ChangeEvent awaitRouted(SinkTestBed bed, java.util.function.Predicate<ChangeEvent> which) {
        SinkTestBed.await("the change routed", TIMEOUT, () -> routed(bed).stream().anyMatch(which));
        return routed(bed).stream().filter(which).findFirst().orElseThrow();
    }

    private static KafkaStreams router(LocalKafka kafka, String regime, String name, Path stateDir) throws InterruptedException {
        Properties p = new Properties();
        p.setProperty(RouterConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        p.setProperty(RouterConfig.APPLICATION_ID, "router-" + name);
        p.setProperty(RouterConfig.REGIMES, regime);
        p.setProperty(RouterConfig.TOPIC_REPLICATION, "1");
        p.setProperty("state.dir", stateDir.toString());
        RouterConfig config = RouterConfig.from(p);
        KafkaStreams streams = new KafkaStreams(RouterTopology.build(config, new SimpleMeterRegistry()), config.streamsProperties());
        streams.start();
        SinkTestBed.await("the router running", TIMEOUT, () -> streams.state() == KafkaStreams.State.RUNNING);
        return streams;
    }

    private static long newestMark(ObjectStore region, String tenant) {
        List<ObjectKey> marks = region.listAll(BackupLayout.marksPrefix(TenantId.of(tenant)), Optional.empty())
                .map(ListedObject::key).toList();
        if (marks.isEmpty()) {
            return Long.MIN_VALUE;
        }
        DurableMark newest = DurableMarkCodec.decode(region.get(marks.get(marks.size() - 1)).orElseThrow().bytes());
        assertThat(newest.tenant().value()).isEqualTo(tenant);
        return newest.pointMicros();
    }

    private static void insert(LocalPostgres pg, String db, String tenant, int id) {
        try {
            CaptureTestSetup.execute(pg, db, "INSERT INTO orders VALUES ('" + tenant + "', " + id + ", 'row " + id + "')");
        } catch (SQLException e) {
            throw new IllegalStateException("insert " + id + " of " + tenant + " failed: " + e.getMessage(), e);
        }
    }

    private static long nowMicros() {
        java.time.Instant now = Clock.systemUTC().instant();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }
}
