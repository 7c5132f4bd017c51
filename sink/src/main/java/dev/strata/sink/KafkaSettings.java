package dev.strata.sink;

import dev.strata.schemas.kafka.KafkaSizeLimits;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The Kafka clients' settings: every key of the sink's file that does not start with
 * {@code strata.}; keys prefixed {@code consumer.} or {@code producer.} go to that client only.
 * The settings the backup rules depend on are forced, whatever the file says.
 */
public final class KafkaSettings {
    static final String CONSUMER_PREFIX = "consumer.";
    static final String PRODUCER_PREFIX = "producer.";

    private final Properties common;
    private final Properties consumerOnly;
    private final Properties producerOnly;
    private final String groupId;
    private final KafkaSizeLimits sizeLimits;

    private KafkaSettings(Properties common, Properties consumerOnly, Properties producerOnly, String groupId,
            KafkaSizeLimits sizeLimits) {
        this.common = common;
        this.consumerOnly = consumerOnly;
        this.producerOnly = producerOnly;
        this.groupId = groupId;
        this.sizeLimits = sizeLimits;
    }

    /** @param source the file's keys, already checked by {@link SinkConfigDef} (bootstrap.servers is there) */
    static KafkaSettings from(Properties source, String defaultGroupId, KafkaSizeLimits sizeLimits) {
        Properties common = new Properties();
        Properties consumer = new Properties();
        Properties producer = new Properties();
        for (String key : source.stringPropertyNames()) {
            if (key.startsWith("strata.")) {
                continue;
            }
            String value = source.getProperty(key);
            if (key.startsWith(CONSUMER_PREFIX)) {
                consumer.setProperty(key.substring(CONSUMER_PREFIX.length()), value);
            } else if (key.startsWith(PRODUCER_PREFIX)) {
                producer.setProperty(key.substring(PRODUCER_PREFIX.length()), value);
            } else {
                common.setProperty(key, value);
            }
        }
        String groupId = consumer.getProperty(ConsumerConfig.GROUP_ID_CONFIG, common.getProperty(ConsumerConfig.GROUP_ID_CONFIG, defaultGroupId));
        return new KafkaSettings(common, consumer, producer, groupId, sizeLimits);
    }

    public String bootstrapServers() {
        return common.getProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG);
    }

    public String groupId() {
        return groupId;
    }

    /** For the admin client and the side consumers (placements, watermarks): the common settings only. */
    public Properties common() {
        Properties copy = new Properties();
        copy.putAll(common);
        copy.remove(ConsumerConfig.GROUP_ID_CONFIG);
        copy.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        return copy;
    }

    /** The routed-topic consumer: read_committed and manual commits, always. */
    public Properties consumer() {
        Properties props = new Properties();
        props.putAll(common);
        props.putAll(consumerOnly);
        props.setProperty(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        // the client_id label of its Kafka metrics (consumer lag): what StrataSinkConsumerLagHigh selects
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, groupId);
        // Only changes the router committed are backed up, and only the sink decides what is committed.
        props.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // A new sink backs up the topic from its start, not from "now".
        props.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // Several sinks of a regime share its group: a rebalance moves only the partitions that change owner, and the
        // others keep their open segments (the classic default starts with the eager range assignor, which revokes all)
        props.putIfAbsent(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        // Records are cheap to take (a few fields read, bytes copied): big polls keep the loop's per-poll work small.
        props.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        props.setProperty(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.setProperty(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return sizeLimits.applyToConsumer(props);
    }

    /** Dead letters and watermarks: acknowledged by every in-sync replica, without duplicates. */
    public Properties producer() {
        Properties props = new Properties();
        props.putAll(common);
        props.putAll(producerOnly);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, groupId + "-producer");
        props.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        props.setProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.setProperty(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.setProperty(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        // a parked record is as large as the event it parks
        return sizeLimits.applyToProducer(props);
    }

    /** Only the brokers and the group: the other settings may hold secrets (sasl.jaas.config). */
    @Override
    public String toString() {
        return "bootstrap.servers=" + bootstrapServers() + ", group.id=" + groupId + ", other keys: "
                + (common.size() + consumerOnly.size() + producerOnly.size()) + " (not shown: they may hold secrets)";
    }
}
