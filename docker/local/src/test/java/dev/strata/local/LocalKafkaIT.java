package dev.strata.local;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(LocalStackExtension.class)
class LocalKafkaIT {
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @Test
    void idempotentProducerRecordsAreConsumedBackInOrder(LocalKafka kafka) throws Exception {
        String topic = createTopic(kafka, "idempotent");
        List<String> sent = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig(kafka, Map.of()))) {
            for (int i = 0; i < 100; i++) {
                String value = "value-" + i;
                sent.add(value);
                producer.send(new ProducerRecord<>(topic, "tenant-a", value)).get(30, TimeUnit.SECONDS);
            }
        }

        assertThat(readAll(kafka, topic, "read_uncommitted", 100)).isEqualTo(sent);
    }

    @Test
    void abortedTransactionIsInvisibleToReadCommittedAndCommittedOneIsVisible(LocalKafka kafka) throws Exception {
        String topic = createTopic(kafka, "transactions");
        Map<String, Object> transactional = Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "it-" + UUID.randomUUID());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig(kafka, transactional))) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "tenant-a", "aborted-1"));
            producer.send(new ProducerRecord<>(topic, "tenant-a", "aborted-2"));
            producer.flush();
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "tenant-a", "committed-1"));
            producer.commitTransaction();
        }

        // read_uncommitted sees all three data records: the aborted ones really reached the log
        assertThat(readAll(kafka, topic, "read_uncommitted", 3)).containsExactly("aborted-1", "aborted-2", "committed-1");
        assertThat(readAll(kafka, topic, "read_committed", 1)).containsExactly("committed-1");
    }

    @Test
    void topicsAreNotCreatedByAccident(LocalKafka kafka) throws Exception {
        String missing = "never-created-" + UUID.randomUUID();
        Map<String, Object> quick = Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig(kafka, quick))) {
            try {
                producer.send(new ProducerRecord<>(missing, "k", "v")).get(10, TimeUnit.SECONDS);
            } catch (ExecutionException expected) {
                // metadata for the missing topic never arrives
            }
        }
        try (Admin admin = admin(kafka)) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).doesNotContain(missing);
        }
    }

    private static String createTopic(LocalKafka kafka, String prefix) throws Exception {
        String topic = prefix + "-" + UUID.randomUUID();
        try (Admin admin = admin(kafka)) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        return topic;
    }

    private static Admin admin(LocalKafka kafka) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    private static Map<String, Object> producerConfig(LocalKafka kafka, Map<String, Object> extra) {
        Map<String, Object> config = new HashMap<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
        config.putAll(extra);
        return config;
    }

    /** Reads the single partition from the start until {@code expected} records or the deadline. */
    private static List<String> readAll(LocalKafka kafka, String topic, String isolation, int expected) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(Set.of(partition));
            consumer.seekToBeginning(Set.of(partition));
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            // keep polling past "expected": a leak of an aborted record would show up as an extra value
            long endOffset = consumer.endOffsets(Set.of(partition)).get(partition);
            while (System.nanoTime() < deadline && (values.size() < expected || consumer.position(partition) < endOffset)) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
        }
        return values;
    }
}
