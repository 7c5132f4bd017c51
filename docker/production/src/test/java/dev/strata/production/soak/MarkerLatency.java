package dev.strata.production.soak;

import dev.strata.schemas.kafka.Topics;
import dev.strata.schemas.watermark.Watermark;
import dev.strata.schemas.watermark.WatermarkCodec;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Commit -> durable in both regions, per marker row: a marker committed at c (PostgreSQL's commit timestamp of its
 * transaction) is durable at the publish time of the first watermark of its tenant whose durable point reaches c (a
 * sink publishes a watermark only after the commit covering segments durable in both regions). Follows
 * {@code strata.watermarks} from where it ends when started.
 */
final class MarkerLatency implements AutoCloseable {
    /** A marker seen durable: committed at {@code commitMicros}, durable {@code latencyMicros} later. */
    record Durable(String tenant, long commitMicros, long latencyMicros) {
    }

    private final Map<String, Deque<Long>> pending = new HashMap<>();
    private final Map<String, Long> durablePoint = new HashMap<>();
    private final List<Durable> durable = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread follower;
    private final KafkaConsumer<byte[], byte[]> consumer;

    MarkerLatency(String bootstrapServers) {
        Properties props = new Properties();
        props.setProperty("bootstrap.servers", bootstrapServers);
        props.setProperty("isolation.level", "read_committed");
        consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.WATERMARKS, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        follower = new Thread(this::follow, "soak-watermarks");
        follower.setDaemon(true);
        follower.start();
    }

    private void follow() {
        while (running.get()) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                published(WatermarkCodec.decode(record.value()));
            }
        }
        consumer.close(Duration.ofSeconds(5));
    }

    synchronized void committed(String tenant, long commitMicros) {
        pending.computeIfAbsent(tenant, t -> new ArrayDeque<>()).addLast(commitMicros);
    }

    private synchronized void published(Watermark watermark) {
        String tenant = watermark.tenant().value();
        durablePoint.merge(tenant, watermark.durableCommitMicros(), Math::max);
        Deque<Long> waiting = pending.get(tenant);
        while (waiting != null && !waiting.isEmpty() && waiting.peekFirst() <= watermark.durableCommitMicros()) {
            long commit = waiting.removeFirst();
            durable.add(new Durable(tenant, commit, watermark.publishedAtMicros() - commit));
        }
    }

    /** The tenant's durable point as its watermarks last said (0 before any). */
    synchronized long durablePoint(String tenant) {
        return durablePoint.getOrDefault(tenant, 0L);
    }

    synchronized List<Durable> durable() {
        return List.copyOf(durable);
    }

    /** Markers committed and not (yet) seen durable. */
    synchronized int notDurable() {
        return pending.values().stream().mapToInt(Deque::size).sum();
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        follower.join(10_000);
    }
}
