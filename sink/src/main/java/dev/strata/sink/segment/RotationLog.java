package dev.strata.sink.segment;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs rotations: each one at DEBUG (at AGE with 1 s flushes there are several per second per
 * partition), the rare ones (revocation, shutdown, recovery) at INFO, and a count by reason at
 * INFO once a minute. The counters in {@link SinkMetrics} are the exact record.
 */
public final class RotationLog {
    private static final Logger LOG = LoggerFactory.getLogger(RotationLog.class);
    private static final Duration SUMMARY_EVERY = Duration.ofMinutes(1);

    private final Map<RotationReason, Long> counts = new EnumMap<>(RotationReason.class);
    private Instant lastSummary;

    public RotationLog(Instant start) {
        this.lastSummary = start;
    }

    public void rotated(ClosedSegment segment) {
        counts.merge(segment.reason(), 1L, Long::sum);
        switch (segment.reason()) {
            case REVOCATION, SHUTDOWN, RECOVERY -> LOG.info("rotated ({}): {}", segment.reason(), segment);
            default -> LOG.debug("rotated ({}): {}", segment.reason(), segment);
        }
    }

    public void maybeSummarize(Instant now) {
        if (Duration.between(lastSummary, now).compareTo(SUMMARY_EVERY) >= 0) {
            if (!counts.isEmpty()) {
                LOG.info("segments rotated in the last {} s, by reason: {}", Duration.between(lastSummary, now).toSeconds(), counts);
            }
            counts.clear();
            lastSummary = now;
        }
    }
}
