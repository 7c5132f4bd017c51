package dev.strata.restore.kafka;

import dev.strata.schemas.kafka.CompactedTopic;
import dev.strata.schemas.kafka.PlacementValue;
import dev.strata.schemas.kafka.Topics;
import dev.strata.schemas.ops.StopSignal;
import java.nio.charset.StandardCharsets;
import java.util.TreeMap;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/** The tenant -> regime directory kept in the compacted {@code strata.tenants} topic. */
public final class PlacementDirectory {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private final Properties kafka;

    public PlacementDirectory(Properties kafka) {
        this.kafka = kafka;
    }

    public Map<String, String> all() {
        Map<String, String> placements = new TreeMap<>();
        CompactedTopic.read(kafka, Topics.TENANTS, TIMEOUT, new StopSignal())
                .forEach((tenant, regime) -> placements.put(tenant, new String(regime, StandardCharsets.UTF_8)));
        return placements;
    }

    public Optional<PlacementValue> placementOf(String tenant) {
        return Optional.ofNullable(all().get(tenant)).map(PlacementValue::parse);
    }

    /** Writes the placement and returns once the broker acknowledged it on all in-sync replicas. */
    public void put(String tenant, PlacementValue placement) throws InterruptedException {
        String regime = placement.format();
        Properties props = new Properties();
        props.putAll(kafka);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(Topics.TENANTS, tenant, regime)).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot write the placement of tenant " + tenant + " to " + Topics.TENANTS + " at "
                    + kafka.getProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG) + ": " + e.getCause().getMessage(), e.getCause());
        }
    }
}
