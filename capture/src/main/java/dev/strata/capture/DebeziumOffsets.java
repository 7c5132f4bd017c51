package dev.strata.capture;

import dev.strata.capture.order.CutClock;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads, before the engine starts, the newest commit time in Debezium's stored offset: the
 * {@code ts_usec} of the last transaction capture processed, to seed the {@link CutClock}.
 * Connect stores the offset under the key {@code ["<engine name>",{"server":"<topic prefix>"}]}
 * (both capture's name) as JSON; the last record of that key is the current one.
 */
final class DebeziumOffsets {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration READ_DEADLINE = Duration.ofSeconds(30);

    private DebeziumOffsets() {
    }

    /**
     * @return the stored offset's commit time, or Long.MIN_VALUE when there is none (a first start)
     *     or it is a position inside an initial snapshot (its time is no commit record's)
     */
    static long newestCommitMicros(CaptureConfig config) {
        Properties props = new Properties();
        props.putAll(config.kafkaClient());
        props.setProperty(ConsumerConfig.CLIENT_ID_CONFIG, "strata-capture-offsets-reader-" + config.name());
        props.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(config.offsetsTopic(), READ_DEADLINE).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, READ_DEADLINE);
            byte[] newest = null;
            long deadline = System.nanoTime() + READ_DEADLINE.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p, READ_DEADLINE) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("capture " + config.name() + " could not read its offsets topic " + config.offsetsTopic()
                            + " to its end within " + READ_DEADLINE.toSeconds() + " s: check the brokers and this principal's READ permission");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (ours(record.key(), config.name())) {
                        newest = record.value();
                    }
                }
            }
            return commitMicros(newest);
        }
    }

    static boolean ours(byte[] key, String name) {
        try {
            JsonNode k = key == null ? null : JSON.readTree(key);
            return k != null && k.isArray() && k.size() == 2 && name.equals(k.get(0).asText()) && name.equals(k.get(1).path("server").asText());
        } catch (IOException e) {
            return false; // not Connect's key format: another writer's record, not ours
        }
    }

    static long commitMicros(byte[] value) {
        if (value == null) {
            return Long.MIN_VALUE; // none yet, or a tombstone: nothing processed
        }
        try {
            JsonNode offset = JSON.readTree(value);
            JsonNode ts = offset.path("ts_usec");
            boolean inSnapshot = offset.has(StreamingWatch.SNAPSHOT_OFFSET_KEY);
            return inSnapshot || !ts.canConvertToLong() ? Long.MIN_VALUE : ts.asLong();
        } catch (IOException e) {
            throw new IllegalStateException("capture's stored Debezium offset is not JSON (" + e.getMessage() + "): is another"
                    + " writer using the offsets topic? Give capture its own offsets topic", e);
        }
    }
}
