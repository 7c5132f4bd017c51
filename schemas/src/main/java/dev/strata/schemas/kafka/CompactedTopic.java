package dev.strata.schemas.kafka;

import dev.strata.schemas.ops.StopSignal;
import dev.strata.schemas.ops.StoppingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a compacted topic (placements, watermarks) from its beginning to its end as of now, as a
 * table: the latest value per key, a tombstone removes its key, a record without a key is skipped.
 * Only committed records count (read_committed): the router writes placements in transactions.
 */
public final class CompactedTopic {
    private static final Duration POLL = Duration.ofMillis(200);

    private CompactedTopic() {
    }

    /**
     * @param timeout bounds the whole read: a broker that does not deliver the topic's end within it is an error
     * @throws MissingTopicException when the topic does not exist
     * @throws KafkaUnavailableException when the brokers do not answer, or do not deliver the topic's end, within {@code timeout}
     * @throws StoppingException when {@code stop} is signalled first
     */
    public static SortedMap<String, byte[]> read(Properties kafka, String topic, Duration timeout, StopSignal stop) {
        Properties props = new Properties();
        props.putAll(kafka);
        props.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        String brokers = kafka.getProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            return read(consumer, topic, brokers, timeout, stop);
        } catch (TimeoutException e) {
            throw new KafkaUnavailableException("cannot read " + topic, brokers, timeout, e);
        }
    }

    private static SortedMap<String, byte[]> read(KafkaConsumer<byte[], byte[]> consumer, String topic, String brokers, Duration timeout,
            StopSignal stop) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
        if (infos == null || infos.isEmpty()) {
            throw new MissingTopicException(topic, brokers);
        }
        List<TopicPartition> partitions = infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions, timeout));
        SortedMap<String, byte[]> table = new TreeMap<>();
        long startNanos = System.nanoTime();
        // a timeout, not a time of day: the monotonic clock
        while (!reachedEnd(consumer, end)) {
            if (stop.stopped()) {
                throw new StoppingException("reading " + topic);
            }
            if (System.nanoTime() - startNanos > timeout.toNanos()) {
                throw new KafkaUnavailableException("cannot read " + topic + " to its end", brokers, timeout, null);
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                if (record.key() == null) {
                    continue;
                }
                String key = new String(record.key(), StandardCharsets.UTF_8);
                if (record.value() == null) {
                    table.remove(key);
                } else {
                    table.put(key, record.value());
                }
            }
        }
        return table;
    }

    private static boolean reachedEnd(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        end.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
        return end.isEmpty();
    }
}
