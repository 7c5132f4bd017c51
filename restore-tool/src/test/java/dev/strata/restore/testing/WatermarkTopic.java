package dev.strata.restore.testing;

import dev.strata.local.LocalKafka;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.kafka.TopicSetup;
import dev.strata.schemas.kafka.Topics;
import dev.strata.schemas.watermark.Watermark;
import dev.strata.schemas.watermark.WatermarkCodec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Watermarks as a sink publishes them (through the sink's own {@link WatermarkCodec}), for tests
 * that run no sink: the compacted topic is created when missing.
 */
public final class WatermarkTopic {
    private WatermarkTopic() {
    }

    /** A tenant's watermark at a durable commit time and LSN, with no manifest head yet. */
    public static Watermark durable(String tenant, String regime, long durableMicros, long lsn) {
        return new Watermark(TenantId.of(tenant), regime, durableMicros, lsn, Topics.routed(regime), 0, 0, durableMicros,
                Optional.empty());
    }

    public static void publish(LocalKafka kafka, Watermark watermark) throws ExecutionException, InterruptedException {
        publishBytes(kafka, watermark.tenant().value(), WatermarkCodec.encode(watermark));
    }

    public static void publishDurable(LocalKafka kafka, String tenant, String regime, long durableMicros)
            throws ExecutionException, InterruptedException {
        publish(kafka, durable(tenant, regime, durableMicros, 0));
    }

    /** A value that is no watermark, as a foreign or broken writer could leave. */
    public static void publishGarbage(LocalKafka kafka, String tenant, String value) throws ExecutionException, InterruptedException {
        publishBytes(kafka, tenant, value.getBytes(StandardCharsets.UTF_8));
    }

    private static void publishBytes(LocalKafka kafka, String tenant, byte[] value) throws ExecutionException, InterruptedException {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            TopicSetup.ensure(admin, List.of(new NewTopic(Topics.WATERMARKS, 1, (short) 1)
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))), "the test");
        }
        Properties producer = new Properties();
        producer.setProperty("bootstrap.servers", kafka.bootstrapServers());
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(producer, new StringSerializer(), new ByteArraySerializer())) {
            p.send(new ProducerRecord<>(Topics.WATERMARKS, tenant, value)).get();
        }
    }
}
