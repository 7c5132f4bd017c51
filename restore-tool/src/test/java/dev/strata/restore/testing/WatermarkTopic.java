package dev.strata.restore.testing;

import dev.strata.local.LocalKafka;
import dev.strata.schemas.kafka.TopicSetup;
import dev.strata.schemas.kafka.Topics;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringSerializer;

/** Watermarks as a sink would publish them, for tests that run no sink: the compacted topic is created when missing. */
public final class WatermarkTopic {
    private WatermarkTopic() {
    }

    public static void publish(LocalKafka kafka, String tenant, String value) throws ExecutionException, InterruptedException {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            TopicSetup.ensure(admin, List.of(new NewTopic(Topics.WATERMARKS, 1, (short) 1)
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))), "the test");
        }
        Properties producer = new Properties();
        producer.setProperty("bootstrap.servers", kafka.bootstrapServers());
        try (KafkaProducer<String, String> p = new KafkaProducer<>(producer, new StringSerializer(), new StringSerializer())) {
            p.send(new ProducerRecord<>(Topics.WATERMARKS, tenant, value)).get();
        }
    }

    /** The smallest watermark a reader accepts: the commit time durable in both regions. */
    public static void publishDurable(LocalKafka kafka, String tenant, long durableMicros) throws ExecutionException, InterruptedException {
        publish(kafka, tenant, "{\"durableCommitMicros\":" + durableMicros + "}");
    }
}
