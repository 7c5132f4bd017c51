package dev.strata.restore.kafka;

import dev.strata.schemas.kafka.DeadLetterHeaders;
import dev.strata.schemas.kafka.DeadLetterReason;
import dev.strata.schemas.kafka.PlacementValue;
import dev.strata.schemas.kafka.KafkaSizeLimits;
import dev.strata.schemas.kafka.RedrivePositions;
import dev.strata.schemas.kafka.TopicSetup;
import dev.strata.schemas.kafka.Topics;
import dev.strata.schemas.ops.StopSignal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Re-injects parked records of one reason into the topic they came from. Each reason has its own
 * transactional id and its own position per partition in {@link Topics#DEAD_LETTERS_REDRIVEN}; the
 * re-injected records and the new positions are committed in ONE Kafka transaction: a second run
 * finds nothing new, a crash mid-run injects nothing twice, and a concurrent run of the same reason
 * fences this one (its open transaction is aborted) before it reads the positions.
 * A placement-parked record whose tenant is still unplaced (or still moving) is parked again at the end of
 * the dead-letter topic, so that it stays there for the next redrive instead of being skipped.
 */
public final class DeadLetterRedrive {
    public static final String REDRIVEN_FROM = DeadLetterHeaders.REDRIVEN_FROM;
    private static final Set<DeadLetterReason> NEEDS_PLACEMENT = Set.of(DeadLetterReason.UNPLACED, DeadLetterReason.UNKNOWN_REGIME,
            DeadLetterReason.MOVING);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration POSITIONS_TIMEOUT = Duration.ofSeconds(30);

    private final Properties kafka;
    private final Set<String> regimes;
    private final KafkaSizeLimits limits;

    public DeadLetterRedrive(Properties kafka, Set<String> regimes, KafkaSizeLimits limits) {
        this.kafka = kafka;
        this.regimes = Set.copyOf(regimes);
        this.limits = limits;
    }

    public RedriveResult redrive(DeadLetterReason reason, Map<String, String> placements) throws InterruptedException {
        String transactionalId = "strata-dlq-redrive-" + reason.name().toLowerCase(Locale.ROOT);
        long examined = 0;
        long reinjected = 0;
        long parkedAgain = 0;
        long other = 0;
        long byReference = 0;
        ensurePositionsTopic();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer();
                KafkaProducer<byte[], byte[]> producer = producer(transactionalId)) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.DEAD_LETTERS).stream()
                    .map(p -> new TopicPartition(Topics.DEAD_LETTERS, p.partition())).toList();
            consumer.assign(partitions);
            // Only what is parked now: records parked again by this run come after these ends.
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions));
            // fences an earlier run of this reason first, so the positions read next are final
            producer.initTransactions();
            RedrivePositions positions = RedrivePositions.read(kafka, POSITIONS_TIMEOUT, new StopSignal());
            partitions.forEach(tp -> consumer.seek(tp, positions.next(reason, tp.partition())));
            while (!end.isEmpty()) {
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(POLL);
                end.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue() && batch.records(e.getKey()).isEmpty());
                if (batch.isEmpty()) {
                    continue;
                }
                producer.beginTransaction();
                Map<Integer, Long> next = new HashMap<>();
                for (ConsumerRecord<byte[], byte[]> record : batch) {
                    Long stop = end.get(new TopicPartition(record.topic(), record.partition()));
                    if (stop == null || record.offset() >= stop) {
                        continue;
                    }
                    next.put(record.partition(), record.offset() + 1);
                    if (reason != reasonOf(record.headers())) {
                        other++;
                        continue;
                    }
                    examined++;
                    if (ParkedReferences.isByReference(record.headers())) {
                        byReference++; // the value is not there: nothing to re-inject, and nothing to lose by passing it
                    } else if (NEEDS_PLACEMENT.contains(reason) && !placedInKnownRegime(record.headers(), placements)) {
                        producer.send(new ProducerRecord<>(Topics.DEAD_LETTERS, null, record.key(), record.value(), record.headers()));
                        parkedAgain++;
                    } else {
                        producer.send(reinjection(record));
                        reinjected++;
                    }
                }
                next.forEach((partition, offset) -> producer.send(new ProducerRecord<>(Topics.DEAD_LETTERS_REDRIVEN,
                        RedrivePositions.recordKey(reason, partition), RedrivePositions.value(offset))));
                producer.commitTransaction();
            }
        }
        return new RedriveResult(examined, reinjected, parkedAgain, other, byReference);
    }

    private void ensurePositionsTopic() throws InterruptedException {
        try (Admin admin = Admin.create(kafka)) {
            // one partition, the broker's replication factor: a handful of small keys, kept by compaction
            TopicSetup.ensure(admin, List.of(new NewTopic(Topics.DEAD_LETTERS_REDRIVEN, Optional.of(1), Optional.empty())
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))), "the redrive");
        }
    }

    private boolean placedInKnownRegime(Headers headers, Map<String, String> placements) {
        Header tenant = headers.lastHeader(DeadLetterHeaders.TENANT);
        if (tenant == null) {
            return false;
        }
        String placed = placements.get(new String(tenant.value(), StandardCharsets.UTF_8));
        if (placed == null) {
            return false;
        }
        // a tenant still being moved would only be parked again by the router
        PlacementValue placement = PlacementValue.parse(placed);
        return !placement.moving() && regimes.contains(placement.regime());
    }

    private static DeadLetterReason reasonOf(Headers headers) {
        Header reason = headers.lastHeader(DeadLetterHeaders.REASON);
        if (reason == null) {
            return null;
        }
        try {
            return DeadLetterReason.valueOf(new String(reason.value(), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException unknownReason) {
            return null;
        }
    }

    private static ProducerRecord<byte[], byte[]> reinjection(ConsumerRecord<byte[], byte[]> parked) {
        Headers headers = new RecordHeaders();
        for (Header header : parked.headers()) {
            if (!header.key().startsWith("strata.dlq.")) {
                headers.add(header);
            }
        }
        Header source = parked.headers().lastHeader(DeadLetterHeaders.SOURCE_TOPIC);
        String topic = source == null ? Topics.CHANGES : new String(source.value(), StandardCharsets.UTF_8);
        headers.add(REDRIVEN_FROM, (parked.topic() + "/" + parked.partition() + "/" + parked.offset()).getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(topic, null, parked.key(), parked.value(), headers);
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        Properties props = new Properties();
        props.putAll(kafka);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        limits.applyToConsumer(props);
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private KafkaProducer<byte[], byte[]> producer(String transactionalId) {
        Properties props = new Properties();
        props.putAll(kafka);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        limits.applyToProducer(props);
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
