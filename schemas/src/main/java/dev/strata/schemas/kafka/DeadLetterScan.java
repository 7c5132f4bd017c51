package dev.strata.schemas.kafka;

import dev.strata.schemas.ops.StopSignal;
import dev.strata.schemas.ops.StoppingException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads {@link Topics#DEAD_LETTERS} from its beginning to its end as of now and visits every record
 * still parked: not yet handled by its reason's redrive ({@link RedrivePositions}). Every partition
 * is read: capture keys its records by the source row, not by tenant, so a tenant's records are not
 * confined to one partition. The cost is one pass over the topic (measured in the README).
 *
 * <p>The positions are read first: a redrive running meanwhile can make this count a record both
 * before and after it was parked again, never miss one.
 */
public final class DeadLetterScan {
    private static final Duration POLL = Duration.ofMillis(200);

    private DeadLetterScan() {
    }

    /**
     * @return how many records the topic held (parked or handled): the size of the pass
     * @throws KafkaUnavailableException when the brokers do not answer, or do not deliver the topic's end, within {@code timeout}
     */
    public static long scan(Properties kafka, Duration timeout, StopSignal stop, Consumer<ParkedRecord> visitor) {
        long startNanos = System.nanoTime(); // a timeout, not a time of day: the monotonic clock
        String brokers = kafka.getProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG);
        RedrivePositions positions = RedrivePositions.read(kafka, timeout, stop);
        Properties props = new Properties();
        props.putAll(kafka);
        props.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(Topics.DEAD_LETTERS, timeout);
            if (infos == null || infos.isEmpty()) {
                return 0; // nothing was ever parked: the topic is created by the first service that parks
            }
            List<TopicPartition> partitions = infos.stream().map(i -> new TopicPartition(Topics.DEAD_LETTERS, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions, timeout));
            long read = 0;
            while (!reachedEnd(consumer, end)) {
                if (stop.stopped()) {
                    throw new StoppingException("reading " + Topics.DEAD_LETTERS);
                }
                if (System.nanoTime() - startNanos > timeout.toNanos()) {
                    throw new KafkaUnavailableException("cannot read " + Topics.DEAD_LETTERS + " to its end", brokers, timeout, null);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    Long stopAt = end.get(new TopicPartition(record.topic(), record.partition()));
                    if (stopAt == null || record.offset() >= stopAt) {
                        continue;
                    }
                    read++;
                    ParkedRecord parked = ParkedRecord.of(record);
                    if (!positions.handled(parked.reason(), record.partition(), record.offset())) {
                        visitor.accept(parked);
                    }
                }
            }
            return read;
        } catch (TimeoutException e) {
            throw new KafkaUnavailableException("cannot read " + Topics.DEAD_LETTERS, brokers, timeout, e);
        }
    }

    private static boolean reachedEnd(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        end.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
        return end.isEmpty();
    }
}
