package dev.strata.restore.kafka;

import dev.strata.schemas.TenantId;
import dev.strata.schemas.event.ChangeEventCodec;
import dev.strata.schemas.kafka.DeadLetterScan;
import dev.strata.schemas.ops.StopSignal;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.TreeMap;

/**
 * A tenant's changes still parked in the dead-letter topic, split at a restore point: those
 * committed at or before it are missing from a restore to it; those after it are reported apart.
 * A parked record whose commit time cannot be read (bytes no schema decodes) counts as missing.
 *
 * @param missing parked changes committed at or before the restore point, or of unknown commit time
 * @param unknownTime how many of {@code missing} have no readable commit time
 * @param first the earliest known commit time of {@code missing}
 * @param last the latest known commit time of {@code missing}
 * @param reasons {@code missing} by reason
 * @param after parked changes committed after the restore point
 * @param topicRecords records in the dead-letter topic (every tenant, parked or redriven): the size of the read
 * @param tookNanos how long the read took
 */
public record ParkedChanges(long missing, long unknownTime, OptionalLong first, OptionalLong last, Map<String, Long> reasons,
                            long after, long topicRecords, long tookNanos) {

    /** Reads the whole dead-letter topic once (bounded by {@code timeout}) and keeps {@code tenant}'s parked records. */
    public static ParkedChanges read(Properties kafka, TenantId tenant, long untilMicros, Duration timeout) {
        long start = System.nanoTime();
        ChangeEventCodec codec = new ChangeEventCodec();
        Tally tally = new Tally();
        long records = DeadLetterScan.scan(kafka, timeout, new StopSignal(), parked -> {
            if (tenant.value().equals(parked.tenant())) {
                tally.add(parked.commitMicros(codec), parked.reasonName(), untilMicros);
            }
        });
        return new ParkedChanges(tally.missing, tally.unknownTime, tally.first, tally.last, tally.reasons, tally.after, records,
                System.nanoTime() - start);
    }

    private static final class Tally {
        long missing;
        long unknownTime;
        long after;
        OptionalLong first = OptionalLong.empty();
        OptionalLong last = OptionalLong.empty();
        final Map<String, Long> reasons = new TreeMap<>();

        void add(OptionalLong commit, String reason, long untilMicros) {
            if (commit.isPresent() && commit.getAsLong() > untilMicros) {
                after++;
                return;
            }
            missing++;
            reasons.merge(reason, 1L, Long::sum);
            if (commit.isEmpty()) {
                unknownTime++;
                return;
            }
            long at = commit.getAsLong();
            first = OptionalLong.of(first.isPresent() ? Math.min(first.getAsLong(), at) : at);
            last = OptionalLong.of(last.isPresent() ? Math.max(last.getAsLong(), at) : at);
        }
    }
}
