package dev.strata.restore;

import static dev.strata.schemas.testing.Changes.delete;
import static dev.strata.schemas.testing.Changes.insert;
import static dev.strata.schemas.testing.Changes.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.local.LocalKafka;
import dev.strata.local.LocalObjectStores;
import dev.strata.local.LocalStackExtension;
import dev.strata.restore.testing.WatermarkTopic;
import dev.strata.schemas.fold.FoldMemory;
import dev.strata.schemas.kafka.KafkaSizeLimits;
import dev.strata.schemas.kafka.TopicSetup;
import dev.strata.restore.plan.RestoreTime;
import dev.strata.restore.replay.Progress;
import dev.strata.restore.replay.Replay;
import dev.strata.restore.replay.ReplayOptions;
import dev.strata.restore.replay.ReplaySummary;
import dev.strata.restore.store.RegimeStores;
import dev.strata.restore.store.Region;
import dev.strata.restore.store.RegionStore;
import dev.strata.restore.target.KafkaTarget;
import dev.strata.restore.testing.LocalStores;
import dev.strata.restore.testing.SinkBackup;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.store.InMemoryBucket;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.VersionPolicy;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The Kafka target (upserts and tombstones in one transaction) and {@code status} on a real broker. */
@ExtendWith(LocalStackExtension.class)
class KafkaTargetAndStatusIT {
    private static final long T0 = RestoreTime.parse("2026-11-21T10:00:00Z");

    @TempDir
    Path spill;

    @Test
    void sendsUpsertsAndTombstonesInOneTransaction(LocalKafka kafka) throws Exception {
        InMemoryBucket p = new InMemoryBucket();
        InMemoryBucket b = new InMemoryBucket();
        try (SinkBackup sink = new SinkBackup(p.store(VersionPolicy.LATEST_VERSION), b.store(VersionPolicy.LATEST_VERSION), spill)) {
            sink.write(List.of(insert("kt", "public.items", T0, 10, 1, "one"), insert("kt", "public.items", T0 + 1, 20, 2, "two"),
                    update("kt", "public.items", T0 + 2, 30, 1, "uno"), delete("kt", "public.items", T0 + 3, 40, 2)), SinkBackup.everyNEvents(2));
            sink.seal(Optional.empty());
        }
        RegimeStores stores = new RegimeStores("eu", new RegionStore(Region.PRIMARY, p.store(VersionPolicy.FIRST_VERSION), "p."),
                new RegionStore(Region.BACKUP, b.store(VersionPolicy.FIRST_VERSION), "b."));
        Replay replay = new Replay(stores, new ReplayOptions(Duration.ofHours(1), 2, FoldMemory.defaults(spill), false),
                Clock.systemUTC(), Progress.NONE);
        Properties props = new Properties();
        props.setProperty("bootstrap.servers", kafka.bootstrapServers());
        try (KafkaTarget missing = new KafkaTarget(props, "restore.missing", new KafkaSizeLimits(KafkaSizeLimits.MAX_EVENT_BYTES_DEFAULT))) {
            assertThatThrownBy(() -> replay.run(replay.plan(TenantId.of("kt"), "latest"), missing))
                    .isInstanceOf(BadInputException.class).hasMessageContaining("topic restore.missing does not exist");
        }
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            TopicSetup.ensure(admin, List.of(new NewTopic("restore.kt", 1, (short) 1)
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))), "the test");
        }
        try (KafkaTarget target = new KafkaTarget(props, "restore.kt", new KafkaSizeLimits(KafkaSizeLimits.MAX_EVENT_BYTES_DEFAULT))) {
            ReplaySummary summary = replay.run(replay.plan(TenantId.of("kt"), "latest"), target);
            assertThat(summary.rows()).isEqualTo(1);
            assertThat(summary.tombstones()).isEqualTo(1);
        }
        Map<String, String> records = new HashMap<>();
        Properties consumer = new Properties();
        consumer.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        consumer.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(consumer, new StringDeserializer(), new StringDeserializer())) {
            TopicPartition tp = new TopicPartition("restore.kt", 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (records.size() < 2 && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    records.put(r.key(), r.value());
                    assertThat(new String(r.headers().lastHeader(KafkaTarget.TENANT_HEADER).value(), StandardCharsets.UTF_8)).isEqualTo("kt");
                }
            }
        }
        assertThat(records).containsEntry("{\"table\":\"public.items\",\"key\":{\"id\":1}}", "{\"id\":1,\"name\":\"uno\"}")
                .containsEntry("{\"table\":\"public.items\",\"key\":{\"id\":2}}", null);
    }

    @Test
    void statusShowsTheDurablePointAndLagPerTenant(LocalKafka kafka) throws Exception {
        WatermarkTopic.publish(kafka, WatermarkTopic.durable("st-a", "us", T0, 24_023_128L));
        WatermarkTopic.publish(kafka, WatermarkTopic.durable("st-b", "eu", T0 - 90_000_000L, 7L));
        WatermarkTopic.publishGarbage(kafka, "st-c", "{\"durableCommitMicros\":" + T0 + "}");
        Path config = Files.createTempDirectory(LocalStackExtension.workDir(), "status").resolve("restore.properties");
        Properties props = new Properties();
        props.setProperty("bootstrap.servers", kafka.bootstrapServers());
        try (OutputStream out = Files.newOutputStream(config)) {
            props.store(out, null);
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Clock now = Clock.fixed(Instant.parse("2026-11-21T10:00:02.5Z"), ZoneOffset.UTC);
        int code = RestoreTool.run(new String[] {"--config", config.toString(), "status"}, new PrintWriter(out, true),
                new PrintWriter(err, true), now);
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).containsPattern("st-a +us +2026-11-21T10:00:00Z +2\\.5s +\\(not configured\\) +\\(not configured\\) +- +24023128")
                .containsPattern("st-b +eu +2026-11-21T09:58:30Z +92\\.5s +\\(not configured\\) +\\(not configured\\) +- +7")
                // a value the sink's codec does not accept is shown as such, never guessed at
                .containsPattern("st-c +\\(unreadable watermark: watermark is not strata-watermark version 1");
    }

    @Test
    void statusShowsEachRegionsDurablePoint(LocalKafka kafka, LocalObjectStores stores) throws Exception {
        stores.primary().createLockedBucket("status-primary");
        stores.backup().createLockedBucket("status-backup");
        try (ObjectStore primary = LocalStores.writer(stores.primary(), "status-primary");
             ObjectStore backup = LocalStores.writer(stores.backup(), "status-backup");
             SinkBackup sink = new SinkBackup(primary, backup, spill)) {
            sink.write(List.of(insert("st-r", "public.items", T0, 10, 1, "one"), insert("st-r", "public.items", T0 + 1_000_000, 11, 2, "two")),
                    SinkBackup.everyNEvents(1));
            sink.primaryDown(true); // the primary region down since: only the backup holds the rest
            sink.write(List.of(insert("st-r", "public.items", T0 + 5_000_000, 12, 3, "three"),
                    insert("st-r", "public.items", T0 + 9_000_000, 13, 4, "four")), SinkBackup.everyNEvents(1));
        }
        WatermarkTopic.publish(kafka, WatermarkTopic.durable("st-r", "eu", T0 + 1_000_000, 12L));
        Properties props = LocalStores.regime("eu", stores.primary(), "status-primary", stores.backup(), "status-backup");
        props.setProperty("bootstrap.servers", kafka.bootstrapServers());
        Path config = LocalStores.write(props, LocalStackExtension.workDir());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Clock now = Clock.fixed(Instant.parse("2026-11-21T10:00:11Z"), ZoneOffset.UTC);

        int code = RestoreTool.run(new String[] {"--config", config.toString(), "status", "--tenant", "st-r"}, new PrintWriter(out, true),
                new PrintWriter(err, true), now);

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).containsPattern("tenant +regime +durable in both regions until +lag +durable point in primary +durable point in backup")
                .as("the backup holds segments up to 10:00:09, but only what both regions hold is durable: its marks say 10:00:01")
                .containsPattern("st-r +eu +2026-11-21T10:00:01Z +10\\.0s +2026-11-21T10:00:01Z +2026-11-21T10:00:01Z ");
    }

    @Test
    void statusAnswersWhileTheBackupGatewayHangsAndNamesIt(LocalKafka kafka, LocalObjectStores stores) throws Exception {
        stores.primary().createLockedBucket("hang-primary");
        stores.backup().createLockedBucket("hang-backup");
        List<String> tenants = List.of("hang-a", "hang-b", "hang-c", "hang-d", "hang-e", "hang-f");
        try (ObjectStore primary = LocalStores.writer(stores.primary(), "hang-primary");
             ObjectStore backup = LocalStores.writer(stores.backup(), "hang-backup");
             SinkBackup sink = new SinkBackup(primary, backup, spill)) {
            for (String tenant : tenants) {
                sink.write(List.of(insert(tenant, "public.items", T0, 10, 1, "one")), SinkBackup.everyNEvents(1));
                WatermarkTopic.publish(kafka, WatermarkTopic.durable(tenant, "eu", T0, 10L));
            }
        }
        Properties props = LocalStores.regime("eu", stores.primary(), "hang-primary", stores.backup(), "hang-backup");
        props.setProperty("bootstrap.servers", kafka.bootstrapServers());
        Path config = LocalStores.write(props, LocalStackExtension.workDir());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        stores.backup().freezeGateway();
        long start = System.nanoTime();
        int code;
        try {
            code = RestoreTool.run(new String[] {"--config", config.toString(), "status"}, new PrintWriter(out, true), new PrintWriter(err, true));
        } finally {
            stores.backup().thawGateway();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        System.out.printf("status with the backup gateway hung answered in %d ms:%n%s", took.toMillis(), out);

        assertThat(code).as(err.toString()).isZero();
        // the SDK's default timeouts made this about 90 s per tenant; now the hung region costs its timeout once
        assertThat(took).as("status with a hung backup gateway; output:%n%s", out).isLessThan(Duration.ofSeconds(20));
        for (String tenant : tenants) {
            assertThat(out.toString()).containsPattern("(?m)^" + tenant + " +eu +2026-11-21T10:00:00Z .*2026-11-21T10:00:00Z .*(unreadable|unreachable)");
        }
        assertThat(out.toString()).contains("unreachable, not asked again");
    }
}
