package dev.strata.sink.residency;

import dev.strata.schemas.kafka.DeadLetterHeaders;
import dev.strata.schemas.kafka.DeadLetterReason;
import dev.strata.schemas.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Parks a refused record in {@code strata.dlq}: the original key and bytes, the original headers,
 * and the same explanation headers the router writes (reason, detail, tenant, source
 * topic/partition/offset, time), so that one redrive serves both.
 *
 * <p>A parked record counts as handled only once the dead-letter topic acknowledged it: until then
 * it holds its offset back from the commit ({@code onParked} releases it).
 */
public final class DeadLetterPublisher {
    private final Producer<byte[], byte[]> producer;
    private final Clock clock;

    public DeadLetterPublisher(Producer<byte[], byte[]> producer, Clock clock) {
        this.producer = producer;
        this.clock = clock;
    }

    /**
     * @param onParked called (on the producer's thread) once the record is stored in the dead-letter topic
     * @param onFailed called (on the producer's thread) if it could not be stored, after the producer's own retries
     */
    public void park(ConsumerRecord<byte[], byte[]> record, DeadLetterReason reason, String tenant, String detail,
              Runnable onParked, Consumer<Exception> onFailed) {
        Headers headers = new RecordHeaders(record.headers().toArray());
        put(headers, DeadLetterHeaders.REASON, reason.name());
        put(headers, DeadLetterHeaders.DETAIL, detail);
        if (tenant != null) {
            put(headers, DeadLetterHeaders.TENANT, tenant);
        }
        put(headers, DeadLetterHeaders.SOURCE_TOPIC, record.topic());
        put(headers, DeadLetterHeaders.SOURCE_PARTITION, Integer.toString(record.partition()));
        put(headers, DeadLetterHeaders.SOURCE_OFFSET, Long.toString(record.offset()));
        put(headers, DeadLetterHeaders.PARKED_AT_MILLIS, Long.toString(clock.millis()));
        producer.send(new ProducerRecord<>(Topics.DEAD_LETTERS, null, record.key(), record.value(), headers), (metadata, failure) -> {
            if (failure == null) {
                onParked.run();
            } else {
                onFailed.accept(failure);
            }
        });
    }

    private static void put(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
