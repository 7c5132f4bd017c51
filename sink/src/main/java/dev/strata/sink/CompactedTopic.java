package dev.strata.sink;

import dev.strata.schemas.ops.StopSignal;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Bytes;

/** Reads a compacted topic from its beginning to its end as of now: the latest value per key (tombstones remove). */
final class CompactedTopic {
    private static final Duration POLL = Duration.ofMillis(200);

    private CompactedTopic() {
    }

    static Map<Bytes, byte[]> readToEnd(Properties kafkaCommon, String topic, Duration timeout, StopSignal stop) {
        Properties props = new Properties();
        props.putAll(kafkaCommon);
        props.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<Bytes, byte[]> latest = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            while (!stop.stopped() && !end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    if (record.key() == null) {
                        continue;
                    }
                    if (record.value() == null) {
                        latest.remove(Bytes.wrap(record.key()));
                    } else {
                        latest.put(Bytes.wrap(record.key()), record.value());
                    }
                }
            }
        }
        return latest;
    }
}
