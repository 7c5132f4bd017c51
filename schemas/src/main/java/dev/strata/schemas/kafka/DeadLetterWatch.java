package dev.strata.schemas.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Watches {@link Topics#DEAD_LETTERS} from its end as of {@link #fromNow} for records of one tenant
 * parked for one reason: the way to learn that something was parked after a point, without polling
 * the whole topic again and again.
 */
public final class DeadLetterWatch implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;

    private DeadLetterWatch(KafkaConsumer<byte[], byte[]> consumer) {
        this.consumer = consumer;
    }

    /** Starts watching at the topic's end now: what is parked from here on is seen, whatever comes in between. */
    public static DeadLetterWatch fromNow(Properties kafka, Duration timeout) {
        Properties props = new Properties();
        props.putAll(kafka);
        props.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.DEAD_LETTERS, timeout).stream()
                    .map(p -> new TopicPartition(Topics.DEAD_LETTERS, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(p -> consumer.position(p, timeout)); // fixes the start now, not at the first poll
            return new DeadLetterWatch(consumer);
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
    }

    /** True as soon as a record of {@code tenant} parked for {@code reason} arrives; false when {@code window} passes first. */
    public boolean awaitParked(String tenant, DeadLetterReason reason, Duration window) {
        long deadline = System.nanoTime() + window.toNanos(); // a timeout, not a time of day: the monotonic clock
        for (long left = window.toNanos(); left > 0; left = deadline - System.nanoTime()) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofNanos(left))) {
                ParkedRecord parked = ParkedRecord.of(record);
                if (tenant.equals(parked.tenant()) && parked.reason() == reason) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
