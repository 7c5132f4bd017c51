package dev.strata.restore.move;

import dev.strata.schemas.kafka.Topics;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * Waits until a regime's sinks have stored, in both regions, everything its regime topic holds now: their group's
 * committed offset is the lowest offset not yet durable in both regions, so once it reaches the topic's end every
 * record before that end is durable. The end is the high watermark, not the last stable offset: the router keeps a
 * transaction open on the topic most of the time, and a copy's records written beside it lie beyond that offset. The
 * sinks' position passes aborted records and transaction markers, so their commits reach the high watermark.
 */
final class SinkDrain {
    /** The sinks' consumer group, as a sink names it unless its Kafka settings give another {@code group.id}. */
    static String groupOf(String regime) {
        return "strata-sink-" + regime;
    }

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration REPORT_EVERY = Duration.ofSeconds(10);

    private final Properties kafka;
    private final Duration limit;
    private final PrintWriter out;

    SinkDrain(Properties kafka, Duration limit, PrintWriter out) {
        this.kafka = kafka;
        this.limit = limit;
        this.out = out;
    }

    void await(String regime) throws InterruptedException {
        String topic = Topics.routed(regime);
        String group = groupOf(regime);
        try (Admin admin = Admin.create(kafka)) {
            Map<TopicPartition, Long> ends = ends(admin, topic);
            long deadline = System.nanoTime() + limit.toNanos(); // a timeout, not a time of day: the monotonic clock
            long nextReport = System.nanoTime() + REPORT_EVERY.toNanos();
            while (true) {
                long behind = behind(admin, group, ends);
                if (behind == 0) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the sinks of regime " + regime + " (consumer group " + group + ") have not stored "
                            + behind + " record(s) of " + topic + " in both regions within " + limit.toSeconds() + " s: check that"
                            + " they run and that both regions answer ('restore-tool status'), then run the move again (it continues)");
                }
                if (System.nanoTime() > nextReport) {
                    out.printf(Locale.ROOT, "  waiting for the sinks of regime %s: %,d record(s) of %s not yet durable in both regions%n",
                            regime, behind, topic);
                    out.flush();
                    nextReport = System.nanoTime() + REPORT_EVERY.toNanos();
                }
                // polling a remote group's progress: Kafka offers no notification of another group's commits
                TimeUnit.NANOSECONDS.sleep(POLL.toNanos());
            }
        }
    }

    private static Map<TopicPartition, Long> ends(Admin admin, String topic) throws InterruptedException {
        try {
            List<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(REQUEST_TIMEOUT.toMillis(),
                    TimeUnit.MILLISECONDS).get(topic).partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            partitions.forEach(p -> latest.put(p, OffsetSpec.latest()));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> found = admin.listOffsets(latest,
                    new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED)).all().get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            Map<TopicPartition, Long> ends = new HashMap<>();
            found.forEach((p, info) -> ends.put(p, info.offset()));
            return ends;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read the end of " + topic + ": " + e.getMessage(), e);
        }
    }

    private static boolean hasMembers(Admin admin, String group) throws InterruptedException {
        try {
            return !admin.describeConsumerGroups(List.of(group)).all().get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(group)
                    .members().isEmpty();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot describe consumer group " + group + ": " + e.getMessage(), e);
        }
    }

    private static long behind(Admin admin, String group, Map<TopicPartition, Long> ends) throws InterruptedException {
        Map<TopicPartition, OffsetAndMetadata> committed;
        try {
            committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(REQUEST_TIMEOUT.toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read the offsets of consumer group " + group + ": " + e.getMessage(), e);
        }
        if (committed.isEmpty() && ends.values().stream().anyMatch(end -> end > 0) && !hasMembers(admin, group)) {
            throw new IllegalStateException("no sink of the regime runs in consumer group " + group + " (no member, no committed offset):"
                    + " start the regime's sinks; if they run with another group.id, the move cannot follow them (it expects " + group + ")");
        }
        long behind = 0;
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            OffsetAndMetadata at = committed.get(end.getKey());
            long position = at == null ? 0 : at.offset();
            behind += Math.max(0, end.getValue() - position);
        }
        return behind;
    }
}
