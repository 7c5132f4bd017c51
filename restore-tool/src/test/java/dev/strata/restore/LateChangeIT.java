package dev.strata.restore;

import static dev.strata.restore.testing.SourceTable.col;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.local.LocalKafka;
import dev.strata.local.LocalObjectStores;
import dev.strata.local.LocalPostgres;
import dev.strata.local.LocalStackExtension;
import dev.strata.local.StoreRole;
import dev.strata.restore.plan.RestoreTime;
import dev.strata.restore.testing.CaptureSimulator;
import dev.strata.restore.testing.LocalStores;
import dev.strata.restore.testing.SourceTable;
import dev.strata.restore.testing.ToolRun;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.TestEvents;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.base.BaseManifest;
import dev.strata.schemas.base.BaseManifestCodec;
import dev.strata.schemas.event.ChangeEventCodec;
import dev.strata.schemas.event.CutTime;
import dev.strata.schemas.kafka.DeadLetterHeaders;
import dev.strata.schemas.kafka.DeadLetterReason;
import dev.strata.schemas.kafka.TopicSetup;
import dev.strata.schemas.kafka.Topics;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.BaseManifestKey;
import dev.strata.schemas.layout.InvalidObjectKeyException;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.manifest.LateNotice;
import dev.strata.schemas.manifest.ManifestCodec;
import dev.strata.schemas.manifest.ManifestEntry;
import dev.strata.schemas.store.ListedObject;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.sink.SinkConfig;
import dev.strata.sink.SinkService;
import dev.strata.streams.RouterConfig;
import dev.strata.streams.RouterTopology;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A change that arrives hours late, as an operator meets it: the router parked one transaction (a
 * router older than the producer could not decode it), the sink went on backing up later changes and
 * folded bases past it, then, after the upgrade, {@code restore-tool dlq redrive} re-injected it. Real router, real sink (bases and manifests on
 * two RGW regions), the CLI for placement, redrive, replay and verify; commit times are hours apart
 * (set by the capture simulator on a real source database), so the late change is older than the
 * sink's bases by far more than a segment's span.
 */
@ExtendWith(LocalStackExtension.class)
class LateChangeIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final long MINUTE = 60_000_000L;
    private static final SourceTable ITEMS = new SourceTable("public.items", List.of(col("tenant_id", "text", SourceTable.Form.TEXT),
            col("id", "bigint", SourceTable.Form.LONG), col("name", "text", SourceTable.Form.TEXT), col("qty", "bigint", SourceTable.Form.LONG)),
            List.of("tenant_id", "id"), "tenant_id");

    @Test
    void aChangeRedrivenAfterBasesWereFoldedPastItIsInEveryRestoreAfterItsCommit(LocalKafka kafka, LocalObjectStores stores,
            LocalPostgres pg) throws Exception {
        String suffix = Integer.toString(ThreadLocalRandom.current().nextInt(1 << 24), 36);
        String regime = "late-" + suffix;
        String tenant = "late" + suffix;
        stores.primary().createLockedBucket(regime + "-primary");
        stores.backup().createLockedBucket(regime + "-backup");
        Properties tool = LocalStores.regime(regime, stores.primary(), regime + "-primary", stores.backup(), regime + "-backup");
        tool.setProperty("strata.regime." + regime + ".kek.file", stores.kekFile(regime).toString());
        tool.setProperty(ToolConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        tool.setProperty(ToolConfig.REGIMES, regime);
        Path config = LocalStores.write(tool, LocalStackExtension.workDir());
        Path work = Files.createTempDirectory(LocalStackExtension.workDir(), "late-change");
        String source = "late_src_" + suffix;
        pg.createDatabase(source);

        // the source's history, eight hours ago to now; X (hour 1) is the transaction the router parks
        long start = (Instant.now().getEpochSecond() - 8 * 3600) * 1_000_000L;
        Map<String, Long> points = new TreeMap<>();
        Map<String, List<String>> sourceAt = new TreeMap<>();
        List<ChangeEvent> before;
        List<ChangeEvent> x;
        List<ChangeEvent> after;
        List<ChangeEvent> last;
        try (Connection src = connect(pg, source)) {
            try (Statement s = src.createStatement()) {
                s.execute("CREATE TABLE public.items (tenant_id text, id bigint, name text, qty bigint, PRIMARY KEY (tenant_id, id))");
            }
            CaptureSimulator capture = new CaptureSimulator(src);
            CaptureSimulator.Tx first = capture.begin(start);
            for (long id = 1; id <= 20; id++) {
                first.insert(ITEMS, "INSERT INTO public.items VALUES ('" + tenant + "', " + id + ", 'item " + id + "', " + id + ")", tenant, id);
            }
            first.commit();
            capture.begin(start + 30 * MINUTE).update(ITEMS, "qty = qty + 100", tenant, 2L).commit();
            int xFrom = capture.events().size();
            capture.begin(start + 60 * MINUTE)
                    .update(ITEMS, "name = 'changed by x'", tenant, 1L)
                    .update(ITEMS, "qty = 7000", tenant, 3L)
                    .insert(ITEMS, "INSERT INTO public.items VALUES ('" + tenant + "', 100, 'inserted by x', 1)", tenant, 100L)
                    .insert(ITEMS, "INSERT INTO public.items VALUES ('" + tenant + "', 101, 'inserted by x, deleted later', 1)", tenant, 101L)
                    .commit();
            int xTo = capture.events().size();
            snapshot(points, sourceAt, src, tenant, "x", start + 90 * MINUTE);
            capture.begin(start + 180 * MINUTE).update(ITEMS, "name = 'changed after x'", tenant, 1L).delete(ITEMS, tenant, 101L).commit();
            for (int i = 0; i < 9; i++) { // every 20 minutes up to six hours after the start: bases are folded past X
                capture.begin(start + (200 + 20 * i) * MINUTE).update(ITEMS, "qty = qty + 1", tenant, 10L + i).commit();
            }
            int firstBase = capture.events().size();
            snapshot(points, sourceAt, src, tenant, "before-second-base", start + 370 * MINUTE);
            for (int i = 0; i < 4; i++) {
                capture.begin(start + (380 + 10 * i) * MINUTE).update(ITEMS, "qty = qty + 1", tenant, 4L).commit();
            }
            snapshot(points, sourceAt, src, tenant, "after-second-base", start + 410 * MINUTE);
            int secondBase = capture.events().size();
            capture.begin(start + 430 * MINUTE).update(ITEMS, "qty = qty + 5", tenant, 5L).commit();
            snapshot(points, sourceAt, src, tenant, "latest", start + 430 * MINUTE);
            List<ChangeEvent> all = capture.events();
            before = new ArrayList<>(all.subList(0, xFrom));
            before.addAll(all.subList(xTo, firstBase));
            x = all.subList(xFrom, xTo);
            after = all.subList(firstBase, secondBase);
            last = all.subList(secondBase, all.size());
        }

        Properties router = new Properties();
        router.setProperty(RouterConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        router.setProperty(RouterConfig.APPLICATION_ID, "late-router-" + suffix);
        router.setProperty(RouterConfig.REGIMES, regime);
        router.setProperty(RouterConfig.TOPIC_PARTITIONS, "1");
        router.setProperty(RouterConfig.TOPIC_REPLICATION, "1");
        router.setProperty("state.dir", work.resolve("router").toString());
        RouterConfig routerConfig = RouterConfig.from(router);
        try (Admin admin = Admin.create(routerConfig.streamsProperties());
             KafkaProducer<byte[], byte[]> capture = producer(kafka)) {
            TopicSetup.ensure(admin, List.of(
                    new NewTopic(Topics.routed(regime), 1, (short) 1),
                    new NewTopic(Topics.CHANGES, 1, (short) 1),
                    new NewTopic(Topics.DEAD_LETTERS, 1, (short) 1),
                    new NewTopic(Topics.TENANTS, 1, (short) 1).configs(Map.of("cleanup.policy", "compact"))),
                    "the test");
            // as a router older than the producer parked X (DECODE_ERROR) and was upgraded hours later: `tenants put` redrives
            // only UNPLACED records (a tenant placed late is redriven at once), so this stays parked until the redrive below
            park(capture, tenant, x);
            assertThat(ToolRun.run(config, "tenants", "put", tenant, regime).code()).isZero();
            try (KafkaStreams streams = new KafkaStreams(RouterTopology.build(routerConfig, new SimpleMeterRegistry()),
                    routerConfig.streamsProperties());
                 SinkService sink = SinkService.start(SinkConfig.from(sinkProperties(kafka, stores, regime, work)), new SimpleMeterRegistry(),
                         Clock.systemUTC())) {
                streams.start();
                ObjectStore primary = reader(stores, regime, true);
                ObjectStore backup = reader(stores, regime, false);
                TenantId id = TenantId.of(tenant);
                sendThenHeartbeat(capture, before);
                long firstCut = await("a base folded past X", () -> newestCut(primary, id).filter(c -> c >= start + 360 * MINUTE - 1));
                sendThenHeartbeat(capture, after);
                await("a second base", () -> newestCut(primary, id).filter(c -> c >= start + 410 * MINUTE - 1));

                ToolRun redrive = ToolRun.run(config, "dlq", "redrive", "--reason", "DECODE_ERROR");
                assertThat(redrive.code()).as(redrive.err()).isZero();
                LateNotice notice = await("the late notice of X in both regions", () -> notice(primary, id).filter(n -> notice(backup, id).isPresent()));
                assertThat(BackupLayout.parseSegment(notice.segment().key()).minCommitMicros()).isEqualTo(start + 60 * MINUTE);

                // from the bases folded before X arrived: X is read through its notice, and later versions still win
                awaitRestorable(config, tenant, points.get("after-second-base"));
                for (String point : List.of("x", "before-second-base", "after-second-base")) {
                    assertRestored(pg, config, tenant, point, points.get(point), sourceAt.get(point), suffix);
                }
                assertThat(firstCut).isLessThan(points.get("before-second-base"));

                sendThenHeartbeat(capture, last);
                long thirdCut = await("a base folded after X arrived", () -> newestCut(primary, id).filter(c -> c >= start + 430 * MINUTE - 1));
                BaseManifest third = manifest(primary, id, thirdCut);
                assertThat(third.folded()).extracting(ManifestEntry::key).as("the next base folded X's segment through its notice")
                        .contains(notice.segment().key());
                awaitRestorable(config, tenant, points.get("latest"));
                assertRestored(pg, config, tenant, "latest", points.get("latest"), sourceAt.get("latest"), suffix);
                await("X's segment sealed in a manifest after its hour was sealed", () -> sealedIn(primary, id, notice.segment().key()));
                assertThat(sink.failure()).isEmpty();
            }
        }
        ToolRun verify = ToolRun.run(config, "verify", "--tenant", tenant);
        assertThat(verify.code()).as(verify.out() + verify.err()).isZero();
        assertThat(verify.out()).contains("verify: OK");
    }

    private static void assertRestored(LocalPostgres pg, Path config, String tenant, String point, long until, List<String> expected,
                                       String suffix) throws Exception {
        String db = ("late_" + point.replace('-', '_') + "_" + suffix).toLowerCase(java.util.Locale.ROOT);
        pg.createDatabase(db);
        ToolRun replay = ToolRun.run(config, "replay", "--tenant", tenant, "--until", RestoreTime.format(until), "--to", pg.jdbcUrl(db));
        assertThat(replay.code()).as(replay.err()).isZero();
        try (Connection restored = connect(pg, db)) {
            assertThat(rows(restored, tenant)).as("row::text at %s (%s)", point, RestoreTime.format(until)).isEqualTo(expected);
        }
    }

    private static void snapshot(Map<String, Long> points, Map<String, List<String>> sourceAt, Connection src, String tenant, String name,
                                 long at) throws Exception {
        points.put(name, at);
        sourceAt.put(name, rows(src, tenant));
    }

    private static List<String> rows(Connection c, String tenant) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT t::text FROM public.items t WHERE tenant_id = '" + tenant + "' ORDER BY id")) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }

    private static Properties sinkProperties(LocalKafka kafka, LocalObjectStores stores, String regime, Path work) {
        Properties p = LocalStores.regime(regime, stores.primary(), regime + "-primary", stores.backup(), regime + "-backup");
        p.replaceAll((k, v) -> k.toString().endsWith(".credentials.file") ? (k.toString().contains(".primary.")
                ? stores.primary() : stores.backup()).credentialsFile(StoreRole.WRITER).toString() : v);
        p.setProperty("bootstrap.servers", kafka.bootstrapServers());
        p.setProperty(SinkConfig.REGIME, regime);
        p.setProperty("strata.regime." + regime + ".kek.file", stores.kekFile(regime).toString());
        p.setProperty(SinkConfig.FLUSH_INTERVAL_MS, "300");
        p.setProperty(SinkConfig.DURABLE_MARK_INTERVAL_MS, "500"); // the restores wait for the marks (awaitRestorable)
        p.setProperty(SinkConfig.MANIFEST_GRACE_MS, "1000");
        p.setProperty(SinkConfig.MANIFEST_CHECK_INTERVAL_MS, "1000");
        p.setProperty(SinkConfig.BASE_MIN_EVENTS, "1");
        p.setProperty(SinkConfig.BASE_MAX_AGE_MS, "1000");
        p.setProperty(SinkConfig.BASE_CHECK_INTERVAL_MS, "500");
        p.setProperty(SinkConfig.BASE_SPILL_DIR, work.resolve("spill").toString());
        p.setProperty(SinkConfig.TOPIC_REPLICATION, "1");
        p.setProperty(SinkConfig.TOPIC_PARTITIONS, "1");
        return p;
    }

    private static ObjectStore reader(LocalObjectStores stores, String regime, boolean primary) {
        return LocalStores.reader(primary ? stores.primary() : stores.backup(), regime + (primary ? "-primary" : "-backup"));
    }

    private static Optional<Long> newestCut(ObjectStore store, TenantId tenant) {
        return store.listAll(BackupLayout.basesPrefix(tenant), Optional.empty()).map(ListedObject::key).flatMap(key -> {
            try {
                return java.util.stream.Stream.of(BackupLayout.parseBaseManifest(key).cut().cutCommitMicros());
            } catch (InvalidObjectKeyException tableObject) {
                return java.util.stream.Stream.empty();
            }
        }).max(Long::compare);
    }

    private static BaseManifest manifest(ObjectStore store, TenantId tenant, long cutMicros) {
        ObjectKey key = store.listAll(BackupLayout.basesPrefix(tenant), Optional.empty()).map(ListedObject::key)
                .filter(k -> k.value().endsWith("/base.manifest") && BackupLayout.parseBaseManifest(k).cut().cutCommitMicros() == cutMicros)
                .findFirst().orElseThrow();
        return BaseManifestCodec.decode(store.get(key).orElseThrow().bytes());
    }

    private static Optional<LateNotice> notice(ObjectStore store, TenantId tenant) {
        return store.listAll(BackupLayout.latePrefix(tenant), Optional.empty()).findFirst()
                .map(o -> LateNotice.decode(o.key(), store.get(o.key()).orElseThrow().bytes()));
    }

    private static Optional<Boolean> sealedIn(ObjectStore store, TenantId tenant, ObjectKey segment) {
        return store.listAll(BackupLayout.manifestsPrefix(tenant), Optional.empty())
                .anyMatch(m -> ManifestCodec.decode(store.get(m.key()).orElseThrow().bytes()).entries().stream()
                        .anyMatch(e -> e.key().equals(segment))) ? Optional.of(true) : Optional.empty();
    }

    /**
     * A base is made at the sink's watermark (Kafka); the durable marks a restore reads from the store follow within the
     * sink's mark interval, so a base at or past a point does not yet mean a restore to it is offered.
     */
    private static void awaitRestorable(Path config, String tenant, long until) throws InterruptedException {
        String[] refusal = {"none"};
        try {
            await("a restore to " + RestoreTime.format(until) + " offered (the durable marks in the store reach it)", () -> {
                ToolRun dryRun = ToolRun.run(config, "replay", "--tenant", tenant, "--until", RestoreTime.format(until), "--dry-run");
                refusal[0] = dryRun.err();
                return dryRun.code() == 0 ? Optional.of(true) : Optional.empty();
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; the last refusal: " + refusal[0], e);
        }
    }

    private static <T> T await(String what, Supplier<Optional<T>> condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            Optional<T> value = condition.get();
            if (value.isPresent()) {
                return value.get();
            }
            Thread.sleep(200);
        }
        throw new AssertionError("not within " + TIMEOUT.toSeconds() + " s: " + what);
    }

    /** A batch, then capture's heartbeat after it, which shows the batch's last transaction whole (the durable point reaches it). */
    private static void sendThenHeartbeat(KafkaProducer<byte[], byte[]> capture, List<ChangeEvent> events) throws Exception {
        send(capture, events);
        ChangeEvent last = events.get(events.size() - 1);
        send(capture, List.of(TestEvents.heartbeat(last.getTenant(), last.getLsn() + 1, CutTime.of(last) + 1)));
    }

    private static void send(KafkaProducer<byte[], byte[]> capture, List<ChangeEvent> events) throws Exception {
        ChangeEventCodec codec = new ChangeEventCodec();
        for (ChangeEvent e : events) {
            capture.send(new ProducerRecord<>(Topics.CHANGES, e.getTenant().getBytes(StandardCharsets.UTF_8), codec.encode(e))).get();
        }
    }

    private static void park(KafkaProducer<byte[], byte[]> capture, String tenant, List<ChangeEvent> events) throws Exception {
        ChangeEventCodec codec = new ChangeEventCodec();
        for (ChangeEvent e : events) {
            RecordHeaders headers = new RecordHeaders();
            headers.add(DeadLetterHeaders.REASON, DeadLetterReason.DECODE_ERROR.name().getBytes(StandardCharsets.UTF_8));
            headers.add(DeadLetterHeaders.TENANT, tenant.getBytes(StandardCharsets.UTF_8));
            headers.add(DeadLetterHeaders.SOURCE_TOPIC, Topics.CHANGES.getBytes(StandardCharsets.UTF_8));
            capture.send(new ProducerRecord<>(Topics.DEAD_LETTERS, null, tenant.getBytes(StandardCharsets.UTF_8), codec.encode(e), headers))
                    .get();
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(LocalKafka kafka) {
        return new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers(), "acks", "all"), new ByteArraySerializer(),
                new ByteArraySerializer());
    }

    private static Connection connect(LocalPostgres pg, String db) throws Exception {
        return DriverManager.getConnection(pg.jdbcUrl(db), pg.user(), pg.password());
    }
}
