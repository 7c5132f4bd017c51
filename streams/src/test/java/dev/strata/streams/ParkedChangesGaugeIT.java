package dev.strata.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.local.LocalKafka;
import dev.strata.local.LocalStackExtension;
import dev.strata.schemas.kafka.DeadLetterHeaders;
import dev.strata.schemas.kafka.DeadLetterReason;
import dev.strata.schemas.kafka.RedrivePositions;
import dev.strata.schemas.kafka.TopicSetup;
import dev.strata.schemas.kafka.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** strata_router_parked_changes counts, per tenant, what is still parked, tells placed tenants apart, and forgets what a redrive handled. */
@ExtendWith(LocalStackExtension.class)
class ParkedChangesGaugeIT {

    @Test
    void shouldCountEachTenantsParkedChangesAndDropThoseARedriveHandled(LocalKafka kafka) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            TopicSetup.ensure(admin, List.of(new NewTopic(Topics.DEAD_LETTERS, 1, (short) 1),
                    new NewTopic(Topics.TENANTS, 1, (short) 1)
                            .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)),
                    new NewTopic(Topics.DEAD_LETTERS_REDRIVEN, 1, (short) 1)
                            .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))), "the test");
        }
        String placed = "gauge-placed-" + UUID.randomUUID().toString().substring(0, 8);
        String waiting = "gauge-waiting-" + UUID.randomUUID().toString().substring(0, 8);
        Properties props = new Properties();
        props.setProperty("bootstrap.servers", kafka.bootstrapServers());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
                ParkedChangesGauge gauge = new ParkedChangesGauge(props, registry)) {
            park(producer, placed, DeadLetterReason.WRONG_REGIME);
            park(producer, placed, DeadLetterReason.WRONG_REGIME);
            RecordMetadata last = park(producer, waiting, DeadLetterReason.UNPLACED);
            producer.send(new ProducerRecord<>(Topics.TENANTS, bytes(placed), bytes("eu"))).get();

            gauge.scanOnce();
            assertThat(parked(registry, placed, "true")).isEqualTo(2.0);
            assertThat(parked(registry, waiting, "false")).isEqualTo(1.0);

            // a redrive of UNPLACED handled everything up to and including the waiting tenant's record
            producer.send(new ProducerRecord<>(Topics.DEAD_LETTERS_REDRIVEN, RedrivePositions.recordKey(DeadLetterReason.UNPLACED,
                    last.partition()), RedrivePositions.value(last.offset() + 1))).get();
            gauge.scanOnce();
            assertThat(parked(registry, waiting, "false")).as("kept at 0 once seen").isEqualTo(0.0);
            assertThat(parked(registry, placed, "true")).as("another reason's records stay parked").isEqualTo(2.0);
            assertThat(registry.get(ParkedChangesGauge.SCAN_SECONDS).gauge().value()).isPositive();
        }
    }

    private static double parked(SimpleMeterRegistry registry, String tenant, String placed) {
        return registry.get(ParkedChangesGauge.PARKED).tag("tenant", tenant).tag("placed", placed).gauge().value();
    }

    private static RecordMetadata park(KafkaProducer<byte[], byte[]> producer, String tenant, DeadLetterReason reason) throws Exception {
        RecordHeaders headers = new RecordHeaders();
        headers.add(DeadLetterHeaders.REASON, bytes(reason.name()));
        headers.add(DeadLetterHeaders.TENANT, bytes(tenant));
        return producer.send(new ProducerRecord<>(Topics.DEAD_LETTERS, null, bytes(tenant), TestChanges.insert(tenant, 1), headers)).get();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
