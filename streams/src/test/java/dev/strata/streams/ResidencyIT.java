package dev.strata.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.local.LocalKafka;
import dev.strata.local.LocalStackExtension;
import dev.strata.schemas.event.ChangeEventCodec;
import dev.strata.schemas.kafka.DeadLetterHeaders;
import dev.strata.schemas.kafka.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A tenant placed in eu never reaches the us topic, even when its placement arrives mid-stream. */
@ExtendWith(LocalStackExtension.class)
class ResidencyIT {
    private static final String TENANT = "late-eu";
    private static final int PER_PHASE = 1_000;
    private final ChangeEventCodec codec = new ChangeEventCodec();

    @Test
    void shouldNeverRouteAnEuTenantToUsAcrossAPlacementAddedMidStream(LocalKafka kafka) throws Exception {
        RouterConfig config = LocalRouterConfig.create(kafka, "residency", Map.of());
        try (KafkaStreams router = new KafkaStreams(RouterTopology.build(config, new SimpleMeterRegistry()), config.streamsProperties());
                KafkaProducer<byte[], byte[]> producer = producer(kafka)) {
            router.start();
            send(producer, Topics.CHANGES, 0, PER_PHASE);
            // the placement arrives only once the router has parked the first phase
            assertThat(awaitTenantRecords(kafka, PER_PHASE, Duration.ofSeconds(90)))
                    .as("first phase, before any placement").hasSize(PER_PHASE)
                    .allMatch(r -> r.topic().equals(Topics.DEAD_LETTERS));
            producer.send(new ProducerRecord<>(Topics.TENANTS, TestChanges.key(TENANT), "eu".getBytes(StandardCharsets.UTF_8))).get();
            send(producer, Topics.CHANGES, PER_PHASE, 2 * PER_PHASE);

            List<ConsumerRecord<byte[], byte[]>> seen = awaitTenantRecords(kafka, 2 * PER_PHASE, Duration.ofSeconds(90));
            long inUs = seen.stream().filter(r -> r.topic().equals(Topics.routed("us"))).count();
            long inEu = seen.stream().filter(r -> r.topic().equals(Topics.routed("eu"))).count();
            long parked = seen.stream().filter(r -> r.topic().equals(Topics.DEAD_LETTERS)).count();
            assertThat(inUs).as("eu tenant's changes in the us topic").isZero();
            assertThat(inEu + parked).as("every change either routed to eu or parked, none lost").isEqualTo(2L * PER_PHASE);
            assertThat(parked).as("changes before the placement are parked").isGreaterThanOrEqualTo(PER_PHASE);
            assertThat(inEu).as("changes after the placement reach eu").isPositive();
            seen.stream().filter(r -> r.topic().equals(Topics.DEAD_LETTERS)).forEach(r -> assertThat(
                    new String(r.headers().lastHeader(DeadLetterHeaders.REASON).value(), StandardCharsets.UTF_8)).isEqualTo("UNPLACED"));
        }
    }

    private void send(KafkaProducer<byte[], byte[]> producer, String topic, int from, int to) {
        for (int i = from; i < to; i++) {
            producer.send(new ProducerRecord<>(topic, TestChanges.key(TENANT), TestChanges.insert(TENANT, i)));
        }
        producer.flush();
    }

    private List<ConsumerRecord<byte[], byte[]>> awaitTenantRecords(LocalKafka kafka, int expected, Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> seen = new ArrayList<>();
        Instant deadline = Instant.now().plus(timeout);
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(kafka)) {
            consumer.subscribe(List.of(Topics.routed("us"), Topics.routed("eu"), Topics.DEAD_LETTERS));
            while (seen.size() < expected && Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (TENANT.equals(codec.decode(record.value()).getTenant())) {
                        seen.add(record);
                    }
                }
            }
            // a little longer: a change routed to the wrong topic late would show here
            consumer.poll(Duration.ofSeconds(2)).forEach(record -> {
                if (TENANT.equals(codec.decode(record.value()).getTenant())) {
                    seen.add(record);
                }
            });
        }
        return seen;
    }

    private static KafkaProducer<byte[], byte[]> producer(LocalKafka kafka) {
        Properties props = new Properties();
        props.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static KafkaConsumer<byte[], byte[]> consumer(LocalKafka kafka) {
        Properties props = new Properties();
        props.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.setProperty(ConsumerConfig.GROUP_ID_CONFIG, "residency-check-" + UUID.randomUUID());
        props.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
