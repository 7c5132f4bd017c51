package dev.strata.streams;

import dev.strata.schemas.kafka.Topics;
import java.util.LinkedHashSet;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The router's configuration: one properties file. Keys starting with {@code strata.} are the
 * router's own; every other key goes to Kafka Streams unchanged (Kafka style).
 */
public final class RouterConfig {
    public static final String BOOTSTRAP_SERVERS = StreamsConfig.BOOTSTRAP_SERVERS_CONFIG;
    public static final String APPLICATION_ID = StreamsConfig.APPLICATION_ID_CONFIG;
    public static final String APPLICATION_ID_DEFAULT = "strata-router";
    /** Comma-separated regimes this deployment routes to, for example {@code us,eu}. Required. */
    public static final String REGIMES = "strata.regimes";
    public static final String TOPIC_PARTITIONS = "strata.topics.partitions";
    public static final int TOPIC_PARTITIONS_DEFAULT = 6;
    public static final String TOPIC_REPLICATION = "strata.topics.replication.factor";
    public static final short TOPIC_REPLICATION_DEFAULT = 3;
    /** Port of the Prometheus scrape endpoint; 0 turns it off. */
    public static final String METRICS_PORT = "strata.metrics.port";
    public static final int METRICS_PORT_DEFAULT = 0;

    private final Set<String> regimes;
    private final int topicPartitions;
    private final short topicReplication;
    private final int metricsPort;
    private final Properties streams;

    private RouterConfig(Set<String> regimes, int topicPartitions, short topicReplication, int metricsPort,
            Properties streams) {
        this.regimes = Set.copyOf(regimes);
        this.topicPartitions = topicPartitions;
        this.topicReplication = topicReplication;
        this.metricsPort = metricsPort;
        this.streams = streams;
    }

    public static RouterConfig from(Properties source) {
        String regimeList = source.getProperty(REGIMES, "").trim();
        if (regimeList.isEmpty()) {
            throw new IllegalArgumentException("router config: " + REGIMES
                    + " is missing: list the regimes to route to, for example " + REGIMES + "=us,eu");
        }
        Set<String> regimes = new LinkedHashSet<>();
        for (String regime : regimeList.split(",")) {
            regimes.add(Topics.requireRegimeName(regime.trim()));
        }
        Properties streams = new Properties();
        source.stringPropertyNames().stream()
                .filter(key -> !key.startsWith("strata."))
                .forEach(key -> streams.setProperty(key, source.getProperty(key)));
        if (!streams.containsKey(BOOTSTRAP_SERVERS)) {
            throw new IllegalArgumentException("router config: " + BOOTSTRAP_SERVERS
                    + " is missing: set it to the Kafka brokers, for example " + BOOTSTRAP_SERVERS + "=kafka:9092");
        }
        streams.putIfAbsent(APPLICATION_ID, APPLICATION_ID_DEFAULT);
        // Throughput defaults: a transaction commits every commit.interval.ms (100 ms under EOS),
        // so bigger producer batches cost no latency. Each may be overridden in the file.
        streams.putIfAbsent(StreamsConfig.producerPrefix("linger.ms"), "5");
        streams.putIfAbsent(StreamsConfig.producerPrefix("batch.size"), "262144");
        streams.putIfAbsent(StreamsConfig.consumerPrefix("max.poll.records"), "2000");
        // Opts in to the Kafka 5.0 default now, so that upgrading changes nothing.
        streams.putIfAbsent("processing.exception.handler.global.enabled", "true");
        // A change is routed exactly once or not at all: the regime topics are the backup's input.
        streams.setProperty(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        return new RouterConfig(regimes,
                intValue(source, TOPIC_PARTITIONS, TOPIC_PARTITIONS_DEFAULT),
                (short) intValue(source, TOPIC_REPLICATION, TOPIC_REPLICATION_DEFAULT),
                intValue(source, METRICS_PORT, METRICS_PORT_DEFAULT),
                streams);
    }

    private static int intValue(Properties source, String key, int defaultValue) {
        String value = source.getProperty(key);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("router config: " + key + "=" + value + " is not a whole number");
        }
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

    /** A copy, so that callers may add test-only settings without changing this config. */
    public Properties streamsProperties() {
        Properties copy = new Properties();
        copy.putAll(streams);
        return copy;
    }
}
