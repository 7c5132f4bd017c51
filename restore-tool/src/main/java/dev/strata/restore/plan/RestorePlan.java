package dev.strata.restore.plan;

import dev.strata.restore.store.ListedSegment;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.UtcHour;
import dev.strata.schemas.layout.BaseCut;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a replay reads: an optional base, then the log segments that may hold changes in
 * (base cut, until]. Segments straddling {@code until} are read and cut at event level.
 *
 * @param earliestMicros the first commit time the listing saw (empty when it did not start at the log's start)
 * @param latestMicros the durable point when marks prove one, else the latest commit time the listing saw (empty when
 *     the log goes on beyond {@code until})
 * @param durable what bounds the restore point: the durable point, or nothing proven (a backup without marks)
 */
public record RestorePlan(TenantId tenant, long untilMicros, Optional<BaseCut> base, List<ListedSegment> segments,
                          Optional<Long> earliestMicros, Optional<Long> latestMicros, DurableBound durable) {

    public RestorePlan {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(base, "base");
        segments = List.copyOf(segments);
        Objects.requireNonNull(earliestMicros, "earliestMicros");
        Objects.requireNonNull(latestMicros, "latestMicros");
        Objects.requireNonNull(durable, "durable");
    }

    public long bytes() {
        return segments.stream().mapToLong(ListedSegment::size).sum();
    }

    public long firstCommitMicros() {
        return segments.stream().mapToLong(ListedSegment::minCommitMicros).min().orElse(untilMicros);
    }

    /** The hours whose manifests vouch for the planned segments (a segment lives in its first commit's hour). */
    public Optional<UtcHour> firstHour() {
        return segments.stream().map(s -> s.segment().hour()).min(UtcHour::compareTo);
    }

    public Optional<UtcHour> lastHour() {
        return segments.stream().map(s -> s.segment().hour()).max(UtcHour::compareTo);
    }
}
