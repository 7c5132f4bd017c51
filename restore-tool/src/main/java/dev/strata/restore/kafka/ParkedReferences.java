package dev.strata.restore.kafka;

import dev.strata.schemas.kafka.DeadLetterHeaders;
import dev.strata.schemas.kafka.KafkaSizeLimits;
import dev.strata.schemas.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The changes capture parked BY REFERENCE (too large to carry): read from {@code strata.dlq} as it
 * is now, without a consumer group, so that listing them changes nothing. They cannot be re-driven:
 * the value is not in Kafka, only which row it was.
 */
public final class ParkedReferences {
    private static final Duration POLL = Duration.ofMillis(500);

    /** One parked change, as its headers name it; every field is text as capture wrote it. */
    public record Reference(String tenant, String table, String key, String lsn, String column, String columnBytes,
            String eventBytes, String limitBytes) {
        @Override
        public String toString() {
            return (tenant == null ? "" : "tenant " + tenant + " ") + table + " key " + key + " at LSN " + lsn + ": column " + column
                    + " " + columnBytes + " bytes, event " + eventBytes + " bytes over the limit " + limitBytes;
        }
    }

    private final Properties kafka;
    private final KafkaSizeLimits limits;

    public ParkedReferences(Properties kafka, KafkaSizeLimits limits) {
        this.kafka = kafka;
        this.limits = limits;
    }

    public static boolean isByReference(Headers headers) {
        return DeadLetterHeaders.FORMAT_BY_REFERENCE.equals(text(headers, DeadLetterHeaders.FORMAT));
    }

    public List<Reference> all() {
        Properties props = new Properties();
        props.putAll(kafka);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        limits.applyToConsumer(props);
        List<Reference> found = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.DEAD_LETTERS).stream()
                    .map(p -> new TopicPartition(Topics.DEAD_LETTERS, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions));
            end.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
            while (!end.isEmpty()) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    Long stop = end.get(new TopicPartition(record.topic(), record.partition()));
                    if (stop != null && record.offset() < stop && isByReference(record.headers())) {
                        found.add(reference(record.headers()));
                    }
                }
                end.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
            }
        }
        return found;
    }

    private static Reference reference(Headers headers) {
        return new Reference(text(headers, DeadLetterHeaders.TENANT), text(headers, DeadLetterHeaders.TABLE),
                text(headers, DeadLetterHeaders.KEY), text(headers, DeadLetterHeaders.LSN), text(headers, DeadLetterHeaders.COLUMN),
                text(headers, DeadLetterHeaders.COLUMN_BYTES), text(headers, DeadLetterHeaders.EVENT_BYTES),
                text(headers, DeadLetterHeaders.LIMIT_BYTES));
    }

    private static String text(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
