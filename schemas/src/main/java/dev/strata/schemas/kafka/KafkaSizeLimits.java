package dev.strata.schemas.kafka;

import dev.strata.schemas.config.Validators;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.TopicConfig;

/**
 * The largest change event Strata carries, and the Kafka limits that follow from it: ONE setting,
 * {@value #MAX_EVENT_BYTES}, sets every client and every topic Strata creates, so that no hop is
 * smaller than another (a producer that accepts what the topic refuses stalls capture for good).
 *
 * <p>Capture measures each encoded event against the setting before it sends it: a larger one is
 * parked by reference (reason {@link DeadLetterReason#VALUE_TOO_LARGE}), so the Kafka limits need
 * only fit an event of the limit plus its {@link #ENVELOPE_BYTES}: key, headers, record and batch
 * framing, and compression's worst case on incompressible bytes.
 */
public final class KafkaSizeLimits {
    public static final String MAX_EVENT_BYTES = "strata.max.event.bytes";
    /** A 64 MiB value, plus 1 MiB for the rest of its row and the event's own fields. */
    public static final int MAX_EVENT_BYTES_DEFAULT = 65 * 1024 * 1024;
    public static final int MIN_EVENT_BYTES = 1024 * 1024;
    /** Kept under 2 GiB with the envelope: Kafka's sizes are ints. */
    public static final int MAX_EVENT_BYTES_CEILING = 1024 * 1024 * 1024;
    public static final ConfigDef.Validator RANGE = Validators.between(MIN_EVENT_BYTES, MAX_EVENT_BYTES_CEILING);
    public static final String DOC = "The largest change event (a row's encoded key, old and new values) Strata backs up;"
            + " the default holds a 64 MiB value. Capture parks a larger change BY REFERENCE in `strata.dlq` (table, key,"
            + " LSN, column, size; reason VALUE_TOO_LARGE) and goes on. Sets the Kafka limits of every client and of the"
            + " topics Strata creates (max.request.size, buffer.memory, max.message.bytes, fetch sizes: this value plus"
            + " 1 MiB); use the same value in capture, the router, the sinks and restore-tool. Above 99 MiB, raise the"
            + " brokers' socket.request.max.bytes too.";
    /** What a Kafka record of one event may hold beyond the event's bytes. */
    public static final int ENVELOPE_BYTES = 1024 * 1024;
    /** Kafka's default fetch.max.bytes: never lowered. */
    private static final int DEFAULT_FETCH_MAX_BYTES = 50 * 1024 * 1024;
    /** Kafka's default buffer.memory: never lowered. */
    private static final long DEFAULT_BUFFER_MEMORY = 32L * 1024 * 1024;

    private final int maxEventBytes;

    public KafkaSizeLimits(int maxEventBytes) {
        if (maxEventBytes < MIN_EVENT_BYTES || maxEventBytes > MAX_EVENT_BYTES_CEILING) {
            throw new IllegalArgumentException(MAX_EVENT_BYTES + "=" + maxEventBytes + " must be between " + MIN_EVENT_BYTES
                    + " and " + MAX_EVENT_BYTES_CEILING);
        }
        this.maxEventBytes = maxEventBytes;
    }

    public int maxEventBytes() {
        return maxEventBytes;
    }

    /** The largest Kafka record (and record batch) of one event: the event plus its envelope. */
    public int recordBytes() {
        return maxEventBytes + ENVELOPE_BYTES;
    }

    /** Sets a producer's limits; buffer.memory holds two such records, so a large one does not wait for the one before. */
    public Properties applyToProducer(Properties producer) {
        producer.setProperty(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(recordBytes()));
        long buffer = Math.max(DEFAULT_BUFFER_MEMORY, 2L * recordBytes());
        producer.setProperty(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(
                Math.max(buffer, parsedLong(producer.getProperty(ProducerConfig.BUFFER_MEMORY_CONFIG)))));
        return producer;
    }

    /**
     * Sets a consumer's fetch sizes. Since KIP-74 a fetch returns a first batch larger than these anyway,
     * so this is about not fetching such a record in pieces of round trips, not about correctness.
     */
    public Properties applyToConsumer(Properties consumer) {
        consumer.setProperty(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(recordBytes()));
        consumer.setProperty(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(Math.max(DEFAULT_FETCH_MAX_BYTES, recordBytes())));
        return consumer;
    }

    /** The topic configs that let a topic take such a record, whatever the broker's message.max.bytes. */
    public Map<String, String> topicConfigs() {
        return Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(recordBytes()));
    }

    /** {@link #topicConfigs()} beside a topic's other configs. */
    public Map<String, String> topicConfigs(Map<String, String> others) {
        Map<String, String> all = new HashMap<>(others);
        all.putAll(topicConfigs());
        return all;
    }

    /** Why Kafka may still refuse a record as too large, and what to set: for the error that says so. */
    public String refusalHint(String topic) {
        return "the topic " + topic + " or the brokers allow less than " + MAX_EVENT_BYTES + "=" + maxEventBytes + " needs: set the"
                + " topic's max.message.bytes to at least " + recordBytes() + " (kafka-configs --alter --entity-type topics"
                + " --entity-name " + topic + " --add-config max.message.bytes=" + recordBytes() + "), keep the brokers'"
                + " socket.request.max.bytes above it, or lower " + MAX_EVENT_BYTES + " so that larger changes are parked by"
                + " reference";
    }

    private static long parsedLong(String value) {
        try {
            return value == null ? 0 : Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return 0; // the client refuses it with its own message
        }
    }
}
