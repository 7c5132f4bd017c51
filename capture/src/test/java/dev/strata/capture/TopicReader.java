package dev.strata.capture;

import dev.strata.local.LocalKafka;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Op;
import dev.strata.schemas.event.ChangeEventCodec;
import dev.strata.schemas.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads one capture's output from the shared topics, from the beginning: the ChangeEvents of
 * strata.changes whose source is the capture's name, and its records in strata.dlq. Heartbeats
 * (which capture publishes every second by default) are kept apart from the changes, so that a
 * test of changes counts changes.
 */
final class TopicReader implements AutoCloseable {
    private static final ChangeEventCodec CODEC = new ChangeEventCodec();

    /** A parked record and its headers as text. */
    record Parked(byte[] key, byte[] value, Map<String, String> headers) {
        String header(String name) {
            return headers.get(name);
        }
    }

    private final String source;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<ChangeEvent> events = new ArrayList<>();
    private final List<String> keys = new ArrayList<>();
    private final List<ChangeEvent> heartbeats = new ArrayList<>();
    private final List<ChangeEvent> definitions = new ArrayList<>();
    private final List<ChangeEvent> commits = new ArrayList<>();
    private final List<Parked> parked = new ArrayList<>();

    TopicReader(LocalKafka kafka, String source) {
        this.source = source;
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000,
                ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(Topics.CHANGES, Topics.DEAD_LETTERS)) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        if (partitions.isEmpty()) {
            throw new IllegalStateException("the topics of capture " + source + " do not exist yet: start capture first");
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Polls until {@code done} holds for what was read so far, or fails after {@code timeout}. */
    TopicReader awaitUntil(Predicate<TopicReader> done, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.test(this)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what + ": read "
                        + events.size() + " events and " + parked.size() + " dead letters of " + source);
            }
            poll(Duration.ofMillis(200));
        }
        return this;
    }

    /** Reads everything that is in the topics now. */
    TopicReader drain() {
        Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
        while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
            poll(Duration.ofMillis(200));
        }
        return this;
    }

    private void poll(Duration timeout) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(timeout)) {
            if (record.topic().equals(Topics.CHANGES)) {
                ChangeEvent event = CODEC.decode(record.value());
                if (event.getSource().equals(source) && event.getOp() == Op.HEARTBEAT) {
                    heartbeats.add(event);
                } else if (event.getSource().equals(source) && event.getOp() == Op.DDL) {
                    definitions.add(event);
                } else if (event.getSource().equals(source) && event.getOp() == Op.COMMIT) {
                    commits.add(event);
                } else if (event.getSource().equals(source)) {
                    events.add(event);
                    keys.add(new String(record.key(), StandardCharsets.UTF_8));
                }
            } else {
                Map<String, String> headers = new java.util.HashMap<>();
                for (Header header : record.headers()) {
                    headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
                }
                if (source.equals(headers.get(DeadLetters.CAPTURE_SOURCE))) {
                    parked.add(new Parked(record.key(), record.value(), headers));
                }
            }
        }
    }

    /** The COMMIT events (a transaction's end, per tenant it changed) read, in the order read; not in {@link #events()}. */
    List<ChangeEvent> commits() {
        return commits;
    }

    /** The events read but heartbeats, table definitions and commits, in the order read. */
    List<ChangeEvent> events() {
        return events;
    }

    /** The HEARTBEAT events read, in the order read (per partition, Kafka's order). */
    List<ChangeEvent> heartbeats() {
        return heartbeats;
    }

    /** The DDL events (table definitions) read, in the order read; not in {@link #events()}. */
    List<ChangeEvent> definitions() {
        return definitions;
    }

    /** The Kafka key of each event, in the order of {@link #events()}. */
    List<String> keys() {
        return keys;
    }

    List<Parked> parked() {
        return parked;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
