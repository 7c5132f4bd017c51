package dev.strata.schemas.kafka;

import dev.strata.schemas.ops.StopSignal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * How far each reason's redrive has got in {@link Topics#DEAD_LETTERS}: per (reason, partition) the
 * next offset it has not handled, kept in the compacted {@link Topics#DEAD_LETTERS_REDRIVEN}. The
 * redrive writes a position in the same Kafka transaction as the records it re-injected or parked
 * again, so a parked record of reason R at an offset before R's position is no longer missing.
 *
 * <p>Why a topic of its own and not the redrive's consumer-group offsets: a group's offsets expire
 * ({@code offsets.retention.minutes}, 7 days after the group was last used), and then a redrive
 * would re-inject everything again and every report would count redriven changes as parked.
 */
public final class RedrivePositions {
    private final Map<String, Long> next;

    private RedrivePositions(Map<String, Long> next) {
        this.next = next;
    }

    public static RedrivePositions none() {
        return new RedrivePositions(Map.of());
    }

    /** Reads every position; a missing topic means no redrive has run yet. */
    public static RedrivePositions read(Properties kafka, Duration timeout, StopSignal stop) {
        Map<String, Long> next = new TreeMap<>();
        try {
            CompactedTopic.read(kafka, Topics.DEAD_LETTERS_REDRIVEN, timeout, stop)
                    .forEach((key, value) -> next.put(key, Long.parseLong(new String(value, StandardCharsets.UTF_8).trim())));
        } catch (MissingTopicException noRedriveYet) {
            return none();
        }
        return new RedrivePositions(next);
    }

    /** The first offset of {@code partition} that the redrive of {@code reason} has not handled yet (0: none). */
    public long next(DeadLetterReason reason, int partition) {
        return reason == null ? 0 : next.getOrDefault(key(reason, partition), 0L);
    }

    /** Whether the parked record at {@code offset} was handled by its reason's redrive (re-injected or parked again). */
    public boolean handled(DeadLetterReason reason, int partition, long offset) {
        return offset < next(reason, partition);
    }

    /** The record key of a position in {@link Topics#DEAD_LETTERS_REDRIVEN}. */
    public static byte[] recordKey(DeadLetterReason reason, int partition) {
        return key(reason, partition).getBytes(StandardCharsets.UTF_8);
    }

    /** The record value of a position: the next offset, as decimal text. */
    public static byte[] value(long nextOffset) {
        return Long.toString(nextOffset).getBytes(StandardCharsets.UTF_8);
    }

    private static String key(DeadLetterReason reason, int partition) {
        return reason.name() + "/" + partition;
    }
}
