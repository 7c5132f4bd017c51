package dev.strata.restore.target;

import dev.strata.restore.BadInputException;
import dev.strata.schemas.kafka.KafkaSizeLimits;
import dev.strata.schemas.kafka.KafkaUnavailableException;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends the state at the restore point to a topic: an upsert per live row (key: table and key
 * columns as JSON, value: the row as JSON) and a tombstone (null value) per key deleted by then, so
 * that a compacted topic that held newer state ends up with exactly the restored state. All in ONE
 * Kafka transaction: read_committed consumers see the whole restore or nothing, and abort withdraws it.
 */
public final class KafkaTarget implements ReplayTarget {
    public static final String TENANT_HEADER = "strata.tenant";
    public static final String TABLE_HEADER = "strata.table";
    private static final Duration TOPIC_CHECK_TIMEOUT = Duration.ofSeconds(30);

    private final Properties kafka;
    private final String topic;
    private final KafkaSizeLimits limits;
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private KafkaProducer<byte[], byte[]> producer;
    private byte[] tenant;

    public KafkaTarget(Properties kafka, String topic, KafkaSizeLimits limits) {
        this.kafka = kafka;
        this.topic = topic;
        this.limits = limits;
    }

    @Override
    public String describe() {
        return "kafka topic " + topic + " at " + kafka.getProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG);
    }

    @Override
    public void begin(RestoreScope scope) {
        requireTopic();
        tenant = scope.tenant().value().getBytes(StandardCharsets.UTF_8);
        Properties props = new Properties();
        props.putAll(kafka);
        // one transactional id per tenant and topic: a second restore of the same fences a stale one
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "strata-restore-" + scope.tenant() + "-" + topic);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
        limits.applyToProducer(props);
        producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        producer.initTransactions();
        producer.beginTransaction();
    }

    /** A missing topic would make every send wait a minute; say so at once (brokers here do not auto-create). */
    private void requireTopic() {
        try (Admin admin = Admin.create(kafka)) {
            admin.describeTopics(List.of(topic)).allTopicNames().get(TOPIC_CHECK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new BadInputException("topic " + topic + " does not exist at " + kafka.getProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG)
                        + ": create it (cleanup.policy=compact keeps the restored state) or name another with --to");
            }
            throw new IllegalStateException("cannot check topic " + topic + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaUnavailableException("cannot check topic " + topic, kafka.getProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG),
                    TOPIC_CHECK_TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking topic " + topic, e);
        }
    }

    @Override
    public void apply(FoldedRow row) {
        Exception earlier = failure.get();
        if (earlier != null) {
            throw new IllegalStateException("sending to " + describe() + " failed: " + earlier.getMessage(), earlier);
        }
        RecordHeaders headers = new RecordHeaders();
        headers.add(TENANT_HEADER, tenant);
        headers.add(TABLE_HEADER, row.table().name().getBytes(StandardCharsets.UTF_8));
        byte[] key = RowJson.keyRecord(row);
        byte[] value = row.deleted() ? null : RowJson.rowRecord(row);
        long size = key.length + (value == null ? 0L : value.length);
        if (size > limits.maxEventBytes()) {
            // as JSON a bytea doubles (hex): a row that was backed up may not fit the topic it is restored to
            throw new BadInputException("row " + new String(key, StandardCharsets.UTF_8) + " is " + size + " bytes as JSON, more than "
                    + KafkaSizeLimits.MAX_EVENT_BYTES + "=" + limits.maxEventBytes() + ": raise it in the restore config (and the"
                    + " max.message.bytes of topic " + topic + " to match), or restore with --target postgres or ndjson");
        }
        producer.send(new ProducerRecord<>(topic, null, key, value, headers), (metadata, e) -> {
            if (e != null) {
                failure.compareAndSet(null, e instanceof RecordTooLargeException
                        ? new IllegalStateException(e.getMessage() + ": " + limits.refusalHint(topic), e) : e);
            }
        });
    }

    @Override
    public void commit() {
        try {
            producer.flush();
            Exception e = failure.get();
            if (e != null) {
                throw new IllegalStateException("sending to " + describe() + " failed: " + e.getMessage(), e);
            }
            producer.commitTransaction();
        } catch (KafkaException e) {
            throw new IllegalStateException("cannot commit the restore to " + describe() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void abort() {
        if (producer != null) {
            try {
                producer.abortTransaction();
            } catch (KafkaException e) {
                // a fenced or failed producer's transaction is aborted by the broker on timeout
            }
        }
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close();
        }
    }
}
