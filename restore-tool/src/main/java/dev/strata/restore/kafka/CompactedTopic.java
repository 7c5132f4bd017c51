package dev.strata.restore.kafka;

import dev.strata.restore.BadInputException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads a compacted topic (placements, watermarks) from the beginning to its current end as a table. */
public final class CompactedTopic {
    private CompactedTopic() {
    }

    /** The latest value per key; a tombstone removes its key. Sorted by key for people. */
    public static Map<String, String> read(Properties kafka, String topic, Duration timeout) {
        Properties props = new Properties();
        props.putAll(kafka);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new BadInputException("topic " + topic + " does not exist on " + kafka.getProperty("bootstrap.servers")
                        + ": start the router once (it creates its topics) or check bootstrap.servers");
            }
            List<TopicPartition> partitions = infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions, timeout));
            Map<String, String> table = new TreeMap<>();
            long startNanos = System.nanoTime();
            // a timeout, not a time of day: the monotonic clock
            while (!reachedEnd(consumer, end)) {
                if (System.nanoTime() - startNanos > timeout.toNanos()) {
                    throw new IllegalStateException("reading " + topic + " did not reach its end within " + timeout
                            + ": is the broker at " + kafka.getProperty("bootstrap.servers") + " healthy?");
                }
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.value() == null) {
                        table.remove(record.key());
                    } else {
                        table.put(record.key(), record.value());
                    }
                }
            }
            return table;
        }
    }

    private static boolean reachedEnd(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        end.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
        return end.isEmpty();
    }
}
