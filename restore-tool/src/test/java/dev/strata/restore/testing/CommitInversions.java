package dev.strata.restore.testing;

import dev.strata.local.LocalKafka;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Op;
import dev.strata.schemas.event.ChangeEventCodec;
import dev.strata.schemas.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The commit-time inversions in Strata's own log: transactions whose commit time is before their
 * cut time, i.e. a commit record earlier in WAL order carries a later time. Read from what one
 * capture published to {@code strata.changes} for the given tenants (the records' keys), every
 * partition up to its end; other tests' records in the shared topic (some not even events) are
 * not looked at.
 */
public final class CommitInversions {
    private CommitInversions() {
    }

    /** One inverted transaction: committed at {@code commitMicros}, after a commit record timed {@code cutMicros}. */
    public record Inversion(long txId, long commitMicros, long cutMicros) {
    }

    /** A transaction's COMMIT event for one tenant (ChangeEvent v5): where its commit record ends in the WAL. */
    public record Commit(long txId, String tenant, long commitLsn, long commitMicros) {
    }

    /** The streamed transactions of capture {@code source}, with their commit and cut times, and their commits in commit order. */
    public record Log(int transactions, List<Inversion> inversions, List<Commit> commits) {
    }

    public static Log read(LocalKafka kafka, String source, Set<String> tenants) {
        Properties props = new Properties();
        props.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.setProperty(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(8 << 20));
        ChangeEventCodec codec = new ChangeEventCodec();
        Map<Long, Inversion> transactions = new LinkedHashMap<>();
        List<Commit> commits = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.CHANGES).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("cannot read " + Topics.CHANGES + " to its end within 60 s");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.key() == null || !tenants.contains(new String(record.key(), StandardCharsets.UTF_8))) {
                        continue;
                    }
                    ChangeEvent event = codec.decode(record.value());
                    if (event.getSource().equals(source) && event.getOp() == Op.COMMIT) {
                        commits.add(new Commit(event.getTxId(), event.getTenant(), event.getCommitLsn(), event.getCommitTsMicros()));
                    }
                    if (event.getSource().equals(source) && event.getOp() != Op.READ && event.getOp() != Op.CHECKPOINT
                            && event.getCutTsMicros() != null) {
                        transactions.putIfAbsent(event.getTxId(), new Inversion(event.getTxId(), event.getCommitTsMicros(), event.getCutTsMicros()));
                    }
                }
            }
        }
        List<Inversion> inverted = new ArrayList<>(transactions.values().stream().filter(t -> t.cutMicros() > t.commitMicros()).toList());
        inverted.sort(Comparator.comparingLong(Inversion::cutMicros));
        commits.sort(Comparator.comparingLong(Commit::commitLsn));
        return new Log(transactions.size(), inverted, commits);
    }
}
