package dev.strata.restore;

import dev.strata.restore.kafka.DeadLetterRedrive;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.local.LocalKafka;
import dev.strata.local.LocalStackExtension;
import dev.strata.restore.kafka.ParkedChanges;
import dev.strata.restore.testing.ToolRun;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.kafka.DeadLetterHeaders;
import dev.strata.schemas.kafka.DeadLetterReason;
import dev.strata.schemas.kafka.TopicSetup;
import dev.strata.schemas.kafka.Topics;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The operator's placement and redrive commands on a real broker. */
@ExtendWith(LocalStackExtension.class)
class PlacementAndRedriveIT {
    private static Path config;

    @BeforeAll
    static void topicsAndConfig(LocalKafka kafka) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            // other tests in this JVM share the broker: only what is missing is created
            TopicSetup.ensure(admin, List.of(new NewTopic(Topics.CHANGES, 1, (short) 1),
                    new NewTopic(Topics.DEAD_LETTERS, 1, (short) 1),
                    new NewTopic(Topics.TENANTS, 1, (short) 1)
                            .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))), "the test");
        }
        Properties props = new Properties();
        props.setProperty(ToolConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        props.setProperty(ToolConfig.REGIMES, "us,eu");
        config = Files.createTempDirectory(LocalStackExtension.workDir(), "restore-tool").resolve("restore.properties");
        try (OutputStream out = Files.newOutputStream(config)) {
            props.store(out, null);
        }
    }

    @Test
    void shouldPlaceListAndRefuseAnUnflaggedMove() {
        assertThat(ToolRun.run(config, "tenants", "put", "acme", "eu").code()).isEqualTo(ExitCodes.OK);
        assertThat(ToolRun.run(config, "tenants", "put", "acme", "eu").out()).contains("already placed in eu");

        ToolRun move = ToolRun.run(config, "tenants", "put", "acme", "us");
        assertThat(move.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(move.err()).contains("acme is placed in eu").contains("--allow-move");
        assertThat(ToolRun.run(config, "tenants", "list").out()).containsPattern("acme\\s+eu");

        assertThat(ToolRun.run(config, "tenants", "put", "acme", "us", "--allow-move").out()).contains("moved tenant acme from eu to us");
        assertThat(ToolRun.run(config, "tenants", "list").out()).containsPattern("acme\\s+us");
    }

    @Test
    void shouldRejectBadInputWithTheFix() {
        ToolRun unknownRegime = ToolRun.run(config, "tenants", "put", "initech", "apac");
        assertThat(unknownRegime.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(unknownRegime.err()).contains("'apac'").contains("[us, eu]");
        ToolRun badTenant = ToolRun.run(config, "tenants", "put", "bad tenant!", "us");
        assertThat(badTenant.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(badTenant.err()).contains("'bad tenant!'");
        ToolRun badReason = ToolRun.run(config, "dlq", "redrive", "--reason", "LOST");
        assertThat(badReason.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(badReason.err()).contains("UNPLACED");
        ToolRun captureReason = ToolRun.run(config, "dlq", "redrive", "--reason", "NO_TENANT");
        assertThat(captureReason.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(captureReason.err()).contains("cannot be re-injected");
    }

    @Test
    void shouldRedrivePlacedTenantsOnceAndKeepTheRestParked(LocalKafka kafka) throws Exception {
        String placed = "redrive-" + UUID.randomUUID().toString().substring(0, 8);
        String unplaced = "never-" + UUID.randomUUID().toString().substring(0, 8);
        park(kafka, placed, "change-1", DeadLetterReason.UNPLACED);
        park(kafka, unplaced, "change-2", DeadLetterReason.UNPLACED);
        park(kafka, placed, "change-3", DeadLetterReason.UNPLACED);
        park(kafka, placed, "garbage", DeadLetterReason.DECODE_ERROR);
        ToolRun put = ToolRun.run(config, "tenants", "put", placed, "eu");
        ToolRun putAgain = ToolRun.run(config, "tenants", "put", placed, "eu");
        ToolRun redrive = ToolRun.run(config, "dlq", "redrive", "--reason", "UNPLACED");

        assertThat(put.code()).as(put.err()).isZero();
        // other tests of this JVM park records of unplaced tenants in the same topic: only ours are counted exactly
        assertThat(put.out()).contains("2 record(s) of tenant " + placed + " were parked as UNPLACED: redriving them")
                .contains("2 re-injected").containsPattern("[1-9][0-9]* of tenants still unplaced or moving parked again");
        assertThat(putAgain.out()).contains("already placed in eu")
                .contains("no record of tenant " + placed + " is parked as UNPLACED");
        assertThat(redrive.out()).contains("0 re-injected");
        List<ConsumerRecord<byte[], byte[]>> changes = readAll(kafka, Topics.CHANGES).stream()
                .filter(r -> r.headers().lastHeader(DeadLetterRedrive.REDRIVEN_FROM) != null).toList();
        List<String> reinjected = changes.stream()
                .filter(r -> new String(r.key(), StandardCharsets.UTF_8).equals(placed))
                .map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
        assertThat(reinjected).as("re-injected once each, in parked order").containsExactly("change-1", "change-3");
        assertThat(changes).noneMatch(r -> new String(r.key(), StandardCharsets.UTF_8).equals(unplaced));
        assertThat(changes).as("parking headers are not carried back").allMatch(r -> r.headers().lastHeader(DeadLetterHeaders.REASON) == null);
        long stillParked = readAll(kafka, Topics.DEAD_LETTERS).stream()
                .filter(r -> new String(r.key(), StandardCharsets.UTF_8).equals(unplaced)).count();
        assertThat(stillParked).as("the unplaced tenant's change stays in the dead-letter topic").isGreaterThanOrEqualTo(2);

        Properties client = new Properties();
        client.setProperty("bootstrap.servers", kafka.bootstrapServers());
        ParkedChanges placedParked = ParkedChanges.read(client, TenantId.of(placed), Long.MAX_VALUE, Duration.ofSeconds(30));
        ParkedChanges unplacedParked = ParkedChanges.read(client, TenantId.of(unplaced), Long.MAX_VALUE, Duration.ofSeconds(30));
        assertThat(placedParked.reasons()).as("redriven records are no longer parked; the undecodable one is")
                .isEqualTo(Map.of("DECODE_ERROR", 1L));
        assertThat(unplacedParked.reasons()).as("a record parked again is counted once, not with its original")
                .isEqualTo(Map.of("UNPLACED", 1L));
    }

    private static void park(LocalKafka kafka, String tenant, String value, DeadLetterReason reason) throws Exception {
        RecordHeaders headers = new RecordHeaders();
        headers.add(DeadLetterHeaders.REASON, reason.name().getBytes(StandardCharsets.UTF_8));
        headers.add(DeadLetterHeaders.TENANT, tenant.getBytes(StandardCharsets.UTF_8));
        headers.add(DeadLetterHeaders.SOURCE_TOPIC, Topics.CHANGES.getBytes(StandardCharsets.UTF_8));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", kafka.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.DEAD_LETTERS, null, tenant.getBytes(StandardCharsets.UTF_8),
                    value.getBytes(StandardCharsets.UTF_8), headers)).get();
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(LocalKafka kafka, String topic) {
        Properties props = new Properties();
        props.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.setProperty(ConsumerConfig.GROUP_ID_CONFIG, "check-" + UUID.randomUUID());
        props.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            int empty = 0;
            while (empty < 4) {
                int before = all.size();
                consumer.poll(Duration.ofMillis(500)).forEach(all::add);
                empty = all.size() == before ? empty + 1 : 0;
            }
        }
        return all;
    }
}
