package dev.strata.restore;

import static dev.strata.schemas.testing.Changes.insert;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.local.LocalKafka;
import dev.strata.local.LocalObjectStores;
import dev.strata.local.LocalStackExtension;
import dev.strata.restore.plan.RestoreTime;
import dev.strata.restore.testing.LocalStores;
import dev.strata.restore.testing.SinkBackup;
import dev.strata.restore.testing.ToolRun;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.event.ChangeEventCodec;
import dev.strata.schemas.kafka.DeadLetterHeaders;
import dev.strata.schemas.kafka.DeadLetterReason;
import dev.strata.schemas.kafka.TopicSetup;
import dev.strata.schemas.kafka.Topics;
import dev.strata.schemas.store.ObjectStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code replay}, {@code list points} and {@code verify} say which of a tenant's changes are parked
 * in {@code strata.dlq} (count, commit times, reasons), and say that they did not check when Kafka
 * does not answer, and still succeed.
 */
@ExtendWith(LocalStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ParkedChangesIT {
    private static final String PRIMARY = "parked-primary";
    private static final String BACKUP = "parked-backup";
    private static final long START = RestoreTime.parse("2026-11-21T08:00:00Z");
    private static final long S = 1_000_000L;
    private static final ChangeEventCodec CODEC = new ChangeEventCodec();
    /** How many records of other tenants the last test parks; bench/dlq-report sets 100,000. */
    static final String OTHER_RECORDS = "strata.bench.dlq.records";

    private final String tenant = "parked-" + UUID.randomUUID().toString().substring(0, 8);
    private final String clean = "clean-" + UUID.randomUUID().toString().substring(0, 8);
    private Properties stores;
    private Path config;
    private Path work;

    @BeforeAll
    void backUpAndPark(LocalObjectStores objectStores, LocalKafka kafka) throws Exception {
        objectStores.primary().createUnlockedBucket(PRIMARY);
        objectStores.backup().createUnlockedBucket(BACKUP);
        work = Files.createTempDirectory(LocalStackExtension.workDir(), "parked");
        try (ObjectStore p = LocalStores.writer(objectStores.primary(), PRIMARY); ObjectStore b = LocalStores.writer(objectStores.backup(), BACKUP);
             SinkBackup sink = new SinkBackup(p, b, work)) {
            for (String t : List.of(tenant, clean)) {
                List<ChangeEvent> events = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    events.add(insert(t, "public.items", START + i * 60 * S, 100 + i, i, "i" + i));
                }
                sink.write(events, SinkBackup.everyNEvents(5));
            }
            sink.seal(Optional.empty());
        }
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            TopicSetup.ensure(admin, List.of(new NewTopic(Topics.DEAD_LETTERS, 1, (short) 1)), "the test");
        }
        try (KafkaProducer<byte[], byte[]> producer = producer(kafka)) {
            // two changes the backup lacks, before the restore point; one after it; bytes no schema reads
            park(producer, tenant, CODEC.encode(insert(tenant, "public.items", START + 5 * 60 * S + 1, 900, 50, "lost")),
                    DeadLetterReason.UNPLACED).get();
            park(producer, tenant, CODEC.encode(insert(tenant, "public.items", START + 8 * 60 * S, 901, 51, "lost")),
                    DeadLetterReason.WRONG_REGIME).get();
            park(producer, tenant, CODEC.encode(insert(tenant, "public.items", START + 30 * 60 * S, 902, 52, "later")),
                    DeadLetterReason.UNPLACED).get();
            park(producer, tenant, "garbage".getBytes(StandardCharsets.UTF_8), DeadLetterReason.DECODE_ERROR).get();
        }
        stores = LocalStores.regime("eu", objectStores.primary(), PRIMARY, objectStores.backup(), BACKUP);
        Properties props = new Properties();
        props.putAll(stores);
        props.setProperty(ToolConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        config = LocalStores.write(props, work);
    }

    @Test
    void replayReportsTheParkedChangesUpToTheRestorePointAndThoseAfterApart() {
        ToolRun replay = ToolRun.run(config, "replay", "--tenant", tenant, "--until", "2026-11-21T08:10:00Z", "--target", "ndjson",
                "--to", work.resolve("replay.ndjson").toString());

        assertThat(replay.code()).as(replay.err()).isZero();
        assertThat(replay.out())
                .contains("dead letters: 3 change(s) of tenant " + tenant + " committed at or before the restore point are parked in"
                        + " strata.dlq and NOT in this restore: commits 2026-11-21T08:05:00.000001Z to 2026-11-21T08:08:00Z"
                        + " (1 without a readable commit time); reasons DECODE_ERROR 1, UNPLACED 1, WRONG_REGIME 1")
                .contains("dead letters: 1 more parked change(s) of tenant " + tenant + " committed after the restore point");
        ToolRun dryRun = ToolRun.run(config, "replay", "--tenant", tenant, "--until", "2026-11-21T08:06:00Z", "--dry-run");
        assertThat(dryRun.out()).contains("dead letters: 2 change(s)").contains("reasons DECODE_ERROR 1, UNPLACED 1")
                .contains("dead letters: 2 more parked change(s)");
    }

    @Test
    void listPointsAndVerifyReportEveryParkedChange() {
        for (String[] command : List.of(new String[] {"list", "points", "--tenant", tenant}, new String[] {"verify", "--tenant", tenant})) {
            ToolRun run = ToolRun.run(config, command);
            assertThat(run.code()).as(run.err()).isZero();
            assertThat(run.out()).contains("dead letters: 4 change(s) of tenant " + tenant + " are parked in strata.dlq and NOT in the"
                    + " backup: commits 2026-11-21T08:05:00.000001Z to 2026-11-21T08:30:00Z (1 without a readable commit time);"
                    + " reasons DECODE_ERROR 1, UNPLACED 2, WRONG_REGIME 1");
        }
        assertThat(ToolRun.run(config, "verify", "--tenant", clean).out()).contains("dead letters: no change of tenant " + clean + " is parked");
    }

    @Test
    void withKafkaUnreachableTheyRestoreAndSaySoInsteadOfFailing() throws Exception {
        Properties props = new Properties();
        props.putAll(stores);
        props.setProperty(ToolConfig.BOOTSTRAP_SERVERS, "127.0.0.1:1"); // nothing listens there
        Path noKafka = LocalStores.write(props, work);
        List<ToolRun> runs = List.of(
                ToolRun.run(noKafka, "replay", "--tenant", tenant, "--until", "latest", "--target", "ndjson", "--to",
                        work.resolve("no-kafka.ndjson").toString()),
                ToolRun.run(noKafka, "list", "points", "--tenant", tenant),
                ToolRun.run(noKafka, "verify", "--tenant", tenant));
        for (ToolRun run : runs) {
            assertThat(run.code()).as(run.err()).isZero();
            assertThat(run.out()).contains("dead letters not checked (Kafka unreachable: ").contains("bootstrap.servers=127.0.0.1:1");
        }
        assertThat(Files.readAllLines(work.resolve("no-kafka.ndjson"))).hasSize(20);
        Path unset = LocalStores.write(stores, work);
        assertThat(ToolRun.run(unset, "verify", "--tenant", tenant).out())
                .contains("dead letters not checked (bootstrap.servers is not set in the config");
    }

    /**
     * A report reads the whole topic, however few of its records are the tenant's, and counts only
     * the tenant's. {@code bench/dlq-report} runs it with 100,000 records for the cost; CI keeps it
     * small (a speed goal is a benchmark's, not a test's).
     */
    @Test
    @Order(Integer.MAX_VALUE)
    void aReportAmongManyRecordsOfOtherTenantsCountsOnlyTheTenants(LocalKafka kafka) throws Exception {
        int others = Integer.getInteger(OTHER_RECORDS, 5_000);
        try (KafkaProducer<byte[], byte[]> producer = producer(kafka)) {
            Future<RecordMetadata> last = null;
            for (int i = 0; i < others; i++) {
                String other = "other-" + (i % 500);
                last = park(producer, other, CODEC.encode(insert(other, "public.items", START + i, 10_000 + i, i, "row " + i)),
                        DeadLetterReason.WRONG_REGIME);
            }
            last.get();
        }
        ToolRun verify = ToolRun.run(config, "verify", "--tenant", tenant);

        assertThat(verify.out()).contains("dead letters: 4 change(s) of tenant " + tenant);
        Matcher cost = Pattern.compile("strata.dlq: ([0-9,]+) records read in ([0-9.]+) s").matcher(verify.out());
        assertThat(cost.find()).as(verify.out()).isTrue();
        System.out.printf("dead-letter report over %s records: %s s%n", cost.group(1), cost.group(2));
        assertThat(Long.parseLong(cost.group(1).replace(",", ""))).isGreaterThanOrEqualTo(others + 4L);
    }

    static Future<RecordMetadata> park(KafkaProducer<byte[], byte[]> producer, String tenant, byte[] value, DeadLetterReason reason) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(DeadLetterHeaders.REASON, reason.name().getBytes(StandardCharsets.UTF_8));
        headers.add(DeadLetterHeaders.TENANT, tenant.getBytes(StandardCharsets.UTF_8));
        headers.add(DeadLetterHeaders.SOURCE_TOPIC, Topics.CHANGES.getBytes(StandardCharsets.UTF_8));
        return producer.send(new ProducerRecord<>(Topics.DEAD_LETTERS, null, tenant.getBytes(StandardCharsets.UTF_8), value, headers));
    }

    static KafkaProducer<byte[], byte[]> producer(LocalKafka kafka) {
        return new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers(), "linger.ms", 20),
                new ByteArraySerializer(), new ByteArraySerializer());
    }
}
