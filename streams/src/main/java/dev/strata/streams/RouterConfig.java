package dev.strata.streams;

import dev.strata.schemas.config.ParsedConfig;
import dev.strata.schemas.kafka.KafkaSizeLimits;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The router's configuration: one properties file. Keys starting with {@code strata.} are the
 * router's own; every other key goes to Kafka Streams unchanged (Kafka style). Types, ranges and
 * meanings are in {@link RouterConfigDef}.
 */
public final class RouterConfig {
    public static final String BOOTSTRAP_SERVERS = StreamsConfig.BOOTSTRAP_SERVERS_CONFIG;
    public static final String APPLICATION_ID = StreamsConfig.APPLICATION_ID_CONFIG;
    public static final String APPLICATION_ID_DEFAULT = "strata-router";
    public static final String PRODUCER_LINGER_MS = StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG);
    public static final long PRODUCER_LINGER_MS_DEFAULT = 5;
    public static final String PRODUCER_BATCH_SIZE = StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG);
    public static final int PRODUCER_BATCH_SIZE_DEFAULT = 262_144;
    public static final String CONSUMER_MAX_POLL_RECORDS = StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG);
    public static final int CONSUMER_MAX_POLL_RECORDS_DEFAULT = 2_000;
    public static final String REGIMES = "strata.regimes";
    public static final String TOPIC_PARTITIONS = "strata.topics.partitions";
    public static final int TOPIC_PARTITIONS_DEFAULT = 6;
    public static final String TOPIC_REPLICATION = "strata.topics.replication.factor";
    public static final short TOPIC_REPLICATION_DEFAULT = 3;
    public static final String MAX_EVENT_BYTES = KafkaSizeLimits.MAX_EVENT_BYTES;
    public static final int MAX_EVENT_BYTES_DEFAULT = KafkaSizeLimits.MAX_EVENT_BYTES_DEFAULT;
    public static final String METRICS_PORT = "strata.metrics.port";
    public static final int METRICS_PORT_DEFAULT = 0;
    public static final String DLQ_SCAN_INTERVAL_MS = "strata.router.dlq.scan.interval.ms";
    public static final long DLQ_SCAN_INTERVAL_MS_DEFAULT = 300_000;

    private final Set<String> regimes;
    private final int topicPartitions;
    private final short topicReplication;
    private final int metricsPort;
    private final KafkaSizeLimits sizeLimits;
    private final Duration dlqScanInterval;
    private final Properties streams;

    private RouterConfig(Set<String> regimes, int topicPartitions, short topicReplication, int metricsPort,
            KafkaSizeLimits sizeLimits, Duration dlqScanInterval, Properties streams) {
        this.regimes = Set.copyOf(regimes);
        this.topicPartitions = topicPartitions;
        this.topicReplication = topicReplication;
        this.metricsPort = metricsPort;
        this.sizeLimits = sizeLimits;
        this.dlqScanInterval = dlqScanInterval;
        this.streams = streams;
    }

    /** Parses and validates; every refusal names the key and the fix. */
    public static RouterConfig from(Properties source) {
        ParsedConfig parsed = RouterConfigDef.SPEC.parse(source);
        Properties streams = parsed.passThrough();
        streams.setProperty(APPLICATION_ID, parsed.string(APPLICATION_ID));
        streams.setProperty(PRODUCER_LINGER_MS, Long.toString(parsed.longValue(PRODUCER_LINGER_MS)));
        streams.setProperty(PRODUCER_BATCH_SIZE, Integer.toString(parsed.intValue(PRODUCER_BATCH_SIZE)));
        streams.setProperty(CONSUMER_MAX_POLL_RECORDS, Integer.toString(parsed.intValue(CONSUMER_MAX_POLL_RECORDS)));
        // Opts in to the Kafka 5.0 default now, so that upgrading changes nothing.
        streams.putIfAbsent("processing.exception.handler.global.enabled", "true");
        // A change is routed exactly once or not at all: the regime topics are the backup's input.
        streams.setProperty(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        KafkaSizeLimits sizeLimits = new KafkaSizeLimits(parsed.intValue(MAX_EVENT_BYTES));
        applySizeLimits(streams, sizeLimits);
        List<String> regimes = parsed.list(REGIMES);
        return new RouterConfig(new LinkedHashSet<>(regimes), parsed.intValue(TOPIC_PARTITIONS),
                (short) parsed.intValue(TOPIC_REPLICATION), parsed.intValue(METRICS_PORT), sizeLimits,
                parsed.millis(DLQ_SCAN_INTERVAL_MS), streams);
    }

    /**
     * Every client Kafka Streams makes and every topic it would create takes the largest event: the
     * producer, the consumers (main, restore and global: the consumer prefix), and internal topics
     * (the topology has none today: the placements are a global table read from their own topic).
     */
    private static void applySizeLimits(Properties streams, KafkaSizeLimits limits) {
        Properties producer = new Properties();
        String buffer = streams.getProperty(StreamsConfig.producerPrefix(ProducerConfig.BUFFER_MEMORY_CONFIG));
        if (buffer != null) {
            producer.setProperty(ProducerConfig.BUFFER_MEMORY_CONFIG, buffer); // a larger one is kept
        }
        limits.applyToProducer(producer)
                .forEach((key, value) -> streams.setProperty(StreamsConfig.producerPrefix((String) key), (String) value));
        Properties consumer = limits.applyToConsumer(new Properties());
        consumer.forEach((key, value) -> streams.setProperty(StreamsConfig.consumerPrefix((String) key), (String) value));
        limits.topicConfigs().forEach((key, value) -> streams.setProperty(StreamsConfig.topicPrefix(key), value));
    }

    public Set<String> regimes() {
        return regimes;
    }

    public int topicPartitions() {
        return topicPartitions;
    }

    public short topicReplication() {
        return topicReplication;
    }

    public int metricsPort() {
        return metricsPort;
    }

    public KafkaSizeLimits sizeLimits() {
        return sizeLimits;
    }

    /** How often the parked changes per tenant are recounted; zero: never. */
    public Duration dlqScanInterval() {
        return dlqScanInterval;
    }

    /** A copy, so that callers may add test-only settings without changing this config. */
    public Properties streamsProperties() {
        Properties copy = new Properties();
        copy.putAll(streams);
        return copy;
    }
}
