package dev.strata.sink.residency;

import dev.strata.schemas.kafka.Topics;
import dev.strata.schemas.ops.StopSignal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The placement directory {@code strata.tenants} (compacted: tenant -> regime name), read from the
 * beginning into memory and then followed on its own thread. No consumer group: every sink reads
 * the whole directory. {@link #catchUp} blocks until the directory as of startup is loaded, so the
 * guard never judges the first records against an empty directory. If the topic does not exist
 * yet, the follower keeps looking for it.
 */
public final class PlacementDirectory implements Placements, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PlacementDirectory.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration LOOK_AGAIN = Duration.ofSeconds(2);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<String, String> placements = new ConcurrentHashMap<>();
    private final StopSignal closing = new StopSignal();
    private final Thread follower;

    public PlacementDirectory(Properties kafkaCommon) {
        Properties props = new Properties();
        props.putAll(kafkaCommon);
        props.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.follower = new Thread(this::follow, "sink-placements");
        this.follower.setDaemon(true);
    }

    /** Loads the directory up to its end as of now, then follows it in the background. */
    public void catchUp(Duration timeout, StopSignal stop) {
        if (assign(timeout)) {
            Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment(), timeout);
            while (!stop.stopped() && !end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                apply(consumer.poll(POLL));
            }
        } else {
            LOG.warn("topic {} does not exist yet: no tenant is placed anywhere, so the residency guard refuses nothing"
                    + " until placements appear (the router or 'restore-tool tenants put' creates it)", Topics.TENANTS);
        }
        LOG.info("placement directory loaded: {} tenants", placements.size());
        follower.start();
    }

    /** Assigns every partition of the directory, from the beginning; false if the topic does not exist. */
    private boolean assign(Duration timeout) {
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.TENANTS, timeout).stream()
                .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
        if (partitions.isEmpty()) {
            return false;
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return true;
    }

    private void follow() {
        while (!closing.stopped()) {
            try {
                if (consumer.assignment().isEmpty()) {
                    if (!assign(LOOK_AGAIN)) {
                        closing.awaitStop(LOOK_AGAIN);
                    }
                    continue;
                }
                apply(consumer.poll(POLL));
            } catch (WakeupException e) {
                return; // closing
            } catch (RuntimeException e) {
                // Never stop following: a frozen directory would let a moved tenant through the guard.
                LOG.error("placement directory: reading {} failed: {}; retrying in {} (until then the residency guard"
                        + " judges by the placements it has)", Topics.TENANTS, e.toString(), LOOK_AGAIN, e);
                closing.awaitStop(LOOK_AGAIN);
            }
        }
    }

    private void apply(Iterable<ConsumerRecord<byte[], byte[]>> records) {
        for (ConsumerRecord<byte[], byte[]> record : records) {
            if (record.key() == null) {
                continue;
            }
            String tenant = new String(record.key(), StandardCharsets.UTF_8);
            if (record.value() == null) {
                placements.remove(tenant); // a tombstone: the tenant is no longer placed
            } else {
                placements.put(tenant, new String(record.value(), StandardCharsets.UTF_8).trim());
            }
        }
    }

    @Override
    public Optional<String> regimeOf(String tenant) {
        return Optional.ofNullable(placements.get(tenant));
    }

    @Override
    public void close() {
        closing.stop();
        consumer.wakeup();
        if (follower.isAlive()) {
            try {
                follower.join(Duration.ofSeconds(10).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        } catch (WakeupException e) {
            // the wakeup above was meant for the follower, which had not started
        }
    }
}
