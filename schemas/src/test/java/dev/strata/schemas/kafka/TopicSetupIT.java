package dev.strata.schemas.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.local.LocalKafka;
import dev.strata.local.LocalStackExtension;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * On the real broker: topics a service creates take every record an idempotent producer sends at
 * once, with many requests in flight. Without the wait for the partitions' leaders, round 8 of 80
 * lost its first batch here (KAFKA-15591: refused as out of order until it expired).
 */
@ExtendWith(LocalStackExtension.class)
class TopicSetupIT {
    private static final int ROUNDS = 40;
    private static final int RECORDS = 4_500;

    @Test
    void newTopicsTakeEveryRecordSentTheMomentTheyExist(LocalKafka kafka) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            for (int round = 0; round < ROUNDS; round++) {
                String topic = "setup-" + round;
                assertThat(TopicSetup.ensure(admin, List.of(new NewTopic(topic, 3, (short) 1)), "the test")).containsExactly(topic);
                List<Future<RecordMetadata>> acks = new ArrayList<>();
                try (KafkaProducer<byte[], byte[]> producer = idempotentProducer(kafka)) {
                    for (int i = 0; i < RECORDS; i++) {
                        byte[] key = ("tenant-" + (i % 3)).getBytes(StandardCharsets.UTF_8);
                        acks.add(producer.send(new ProducerRecord<>(topic, key, new byte[200])));
                    }
                    producer.flush();
                }
                for (Future<RecordMetadata> ack : acks) {
                    assertThat(ack).as("round %d: every record acknowledged", round).succeedsWithin(java.time.Duration.ZERO);
                }
            }
        }
    }

    @Test
    void createsOnlyWhatIsMissingAndToleratesWhatExists(LocalKafka kafka) throws ExecutionException, InterruptedException {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            List<NewTopic> needed = List.of(new NewTopic("setup-a", 2, (short) 1), new NewTopic("setup-b", 1, (short) 1));
            assertThat(TopicSetup.ensure(admin, needed.subList(0, 1), "the test")).containsExactly("setup-a");
            assertThat(TopicSetup.ensure(admin, needed, "the test")).containsExactly("setup-b");
            assertThat(TopicSetup.ensure(admin, needed, "the test")).isEmpty();
            assertThat(admin.describeTopics(List.of("setup-a")).allTopicNames().get().get("setup-a").partitions()).hasSize(2);
        }
    }

    /**
     * A topic created before Strata set size limits (with 1 MiB, the default of a broker's
     * message.max.bytes; the local broker allows more) refuses a 3 MiB record; set up again with the
     * limits, it takes it. A lower limit asked later never lowers it.
     */
    @Test
    void anExistingTopicsSizeLimitIsRaisedNeverLowered(LocalKafka kafka) throws Exception {
        KafkaSizeLimits limits = new KafkaSizeLimits(4 * 1024 * 1024);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            TopicSetup.ensure(admin, List.of(new NewTopic("setup-small", 1, (short) 1)
                    .configs(Map.of("max.message.bytes", Integer.toString(1024 * 1024)))), "the test");
            byte[] large = new byte[3 * 1024 * 1024];
            new java.util.Random(7).nextBytes(large);
            assertThat(send(kafka, limits, "setup-small", large)).failsWithin(java.time.Duration.ofSeconds(30))
                    .withThrowableThat().havingRootCause().isInstanceOf(org.apache.kafka.common.errors.RecordTooLargeException.class);

            assertThat(TopicSetup.ensure(admin, List.of(new NewTopic("setup-small", 1, (short) 1).configs(limits.topicConfigs())),
                    "the test")).isEmpty();
            assertThat(maxMessageBytes(admin, "setup-small")).isEqualTo(Integer.toString(limits.recordBytes()));
            assertThat(send(kafka, limits, "setup-small", large)).succeedsWithin(java.time.Duration.ofSeconds(30));

            TopicSetup.ensure(admin, List.of(new NewTopic("setup-small", 1, (short) 1)
                    .configs(new KafkaSizeLimits(KafkaSizeLimits.MIN_EVENT_BYTES).topicConfigs())), "the test");
            assertThat(maxMessageBytes(admin, "setup-small")).isEqualTo(Integer.toString(limits.recordBytes()));
        }
    }

    private static Future<RecordMetadata> send(LocalKafka kafka, KafkaSizeLimits limits, String topic, byte[] value) {
        java.util.Properties props = new java.util.Properties();
        props.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        props.setProperty(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "20000");
        props.setProperty(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(limits.applyToProducer(props), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            Future<RecordMetadata> ack = producer.send(new ProducerRecord<>(topic, value));
            producer.flush();
            return ack;
        }
    }

    private static String maxMessageBytes(Admin admin, String topic) throws Exception {
        org.apache.kafka.common.config.ConfigResource resource =
                new org.apache.kafka.common.config.ConfigResource(org.apache.kafka.common.config.ConfigResource.Type.TOPIC, topic);
        return admin.describeConfigs(List.of(resource)).all().get().get(resource).get("max.message.bytes").value();
    }

    private static KafkaProducer<byte[], byte[]> idempotentProducer(LocalKafka kafka) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                ProducerConfig.LINGER_MS_CONFIG, "5",
                // short enough that a stuck batch fails the test instead of waiting two minutes
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "20000",
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000"), new ByteArraySerializer(), new ByteArraySerializer());
    }
}
