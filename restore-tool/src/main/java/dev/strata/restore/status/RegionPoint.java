package dev.strata.restore.status;

import dev.strata.restore.plan.RestoreTime;
import java.util.Optional;

/**
 * A tenant's durable point in one region: the point of the newest durable mark there; for a backup
 * without marks (written before the sinks wrote them), the latest commit time of the newest segment,
 * which proves nothing about the other region; or why it is not known.
 *
 * @param proven whether {@code micros} is a durable mark's point
 */
public record RegionPoint(Optional<Long> micros, boolean proven, String whyUnknown) {

    public static RegionPoint marked(long micros) {
        return new RegionPoint(Optional.of(micros), true, "");
    }

    /** No mark: how far the region holds the log on its own. */
    public static RegionPoint unmarked(Optional<Long> newestSegmentMicros) {
        return new RegionPoint(newestSegmentMicros, false, newestSegmentMicros.isPresent() ? "" : "no mark, no segment");
    }

    public static RegionPoint unknown(String why) {
        return new RegionPoint(Optional.empty(), false, why);
    }

    /** For the table: the point, the newest segment's time marked "(unproven)", or the reason in parentheses. */
    public String cell() {
        return micros.map(m -> RestoreTime.format(m) + (proven ? "" : " (unproven)")).orElse("(" + whyUnknown + ")");
    }
}
