package dev.strata.sink.late;

import dev.strata.schemas.Sha256;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.LateNoticeKey;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.layout.SegmentKey;
import dev.strata.schemas.manifest.LateNotice;
import dev.strata.schemas.manifest.ManifestEntry;
import dev.strata.schemas.watermark.Watermark;
import dev.strata.sink.SinkMetrics;
import dev.strata.sink.segment.ClosedSegment;
import dev.strata.sink.segment.SegmentCatalog;
import dev.strata.sink.store.DualRegionUploader;
import dev.strata.sink.watermark.WatermarkPublisher;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds segments that arrive late and stores a late notice for each (DESIGN terms in the sink README,
 * "Late changes").
 *
 * <p>A segment is late when its first commit lies more than {@link BackupLayout#MAX_SEGMENT_COMMIT_SPAN}
 * before the tenant's frontier: the newest commit of the tenant this sink knows durable or on its
 * way (its watermark, seeded from earlier runs, and every segment of the tenant closed before this
 * one). Every base's cut lies below a watermark published before it was folded, and such a watermark
 * covers only records read before this segment (the offset commit cannot pass a segment that is not
 * durable), so a segment that is not late begins no more than the span before any base cut made
 * meanwhile: the next base and a replay from any base list it by its key alone. A late one lies where
 * neither looks; its notice, listed by arrival, is how both find it.
 *
 * <p>Order kept here: the notice is stored only after its segment is durable in both regions (so a
 * notice always names a segment a reader finds), and the caller releases the segment's offsets only
 * after the notice is durable too (so a crash between the two re-reads the records, finds the
 * segment durable and comes back through {@link #notice}). A notice is stamped when its put starts;
 * if storing it took longer than {@link BackupLayout#LATE_NOTICE_MAX_DELAY} it is stored again with
 * a new stamp, so every notice is listable by its stamp plus that delay, which is what lets a base
 * say from which arrival time a reader must list notices.
 */
public final class LateArrivals {
    private static final Logger LOG = LoggerFactory.getLogger(LateArrivals.class);
    private static final long SPAN_MICROS = BackupLayout.MAX_SEGMENT_COMMIT_SPAN.toNanos() / 1000;

    private final DualRegionUploader uploader;
    private final WatermarkPublisher watermarks;
    private final SinkMetrics metrics;
    private final Clock clock;
    /** Poll thread only: the newest commit of each tenant's segments closed (or skipped as durable) in this run. */
    private final Map<TenantId, Long> closedUpTo = new HashMap<>();
    /** Closed segments found late, until their notice is stored; the upload threads read it. */
    private final Set<ObjectKey> late = ConcurrentHashMap.newKeySet();

    public LateArrivals(DualRegionUploader uploader, WatermarkPublisher watermarks, SinkMetrics metrics, Clock clock) {
        this.uploader = uploader;
        this.watermarks = watermarks;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** A segment was closed (poll thread, in closing order): remembers whether it is late. */
    public void closed(ClosedSegment segment) {
        if (isLate(segment.segmentKey())) {
            late.add(segment.key());
        }
    }

    /**
     * A segment an earlier run made durable, met again while re-reading (poll thread).
     *
     * @return whether it is late, so the caller holds its records' offsets until {@link #notice} completes
     */
    public boolean skippedIsLate(SegmentKey segment) {
        return isLate(segment);
    }

    /** After {@code segment} is durable in both regions (any thread): its notice if it is late, else nothing. */
    public CompletableFuture<Void> afterDurable(ClosedSegment segment) {
        if (!late.remove(segment.key())) {
            return CompletableFuture.completedFuture(null);
        }
        return notice(new ManifestEntry(segment.key(), segment.size(), segment.sha256()), segment.segmentKey());
    }

    /** A segment closed but never uploaded (its partition was taken away): nothing to notice. */
    public void forget(ClosedSegment segment) {
        late.remove(segment.key());
    }

    /** The notice of a late segment an earlier run made durable (the size and SHA-256 are those both regions declare). */
    public CompletableFuture<Void> noticeEarlier(SegmentKey segment, SegmentCatalog catalog) {
        ObjectKey key = BackupLayout.segment(segment);
        return catalog.entryFromHeads(key).map(stored -> notice(stored, segment))
                .orElseGet(() -> CompletableFuture.failedFuture(new IllegalStateException("segment " + key + " was listed in both"
                        + " regions but they do not declare one size and SHA-256 for it: run restore-tool verify")));
    }

    /** Stores the notice of a durable late segment in both regions, again under a new stamp if that was slow. */
    public CompletableFuture<Void> notice(ManifestEntry stored, SegmentKey segment) {
        Instant stamped = clock.instant();
        LateNotice notice = new LateNotice(new LateNoticeKey(segment.tenant(), micros(stamped), segment), stored);
        byte[] bytes = notice.encode();
        return uploader.upload(notice.objectKey(), bytes, Sha256.of(bytes), 0).thenCompose(ok -> {
            Duration took = Duration.between(stamped, clock.instant());
            if (took.compareTo(BackupLayout.LATE_NOTICE_MAX_DELAY) > 0) {
                LOG.warn("late notice {} took {} s to store, longer than {}: storing it again with a new arrival time", notice.objectKey(),
                        took.toSeconds(), BackupLayout.LATE_NOTICE_MAX_DELAY);
                return notice(stored, segment);
            }
            metrics.lateNotice();
            LOG.info("segment {} arrived late (its changes are older than what bases may have folded): noticed as {}", stored.key(),
                    notice.objectKey());
            return CompletableFuture.completedFuture(null);
        });
    }

    private boolean isLate(SegmentKey segment) {
        TenantId tenant = segment.tenant();
        long frontier = Math.max(closedUpTo.getOrDefault(tenant, Long.MIN_VALUE),
                watermarks.current(tenant).map(Watermark::durableCommitMicros).orElse(Long.MIN_VALUE));
        closedUpTo.merge(tenant, segment.maxCommitMicros(), Math::max);
        return frontier != Long.MIN_VALUE && segment.minCommitMicros() < frontier - SPAN_MICROS;
    }

    private static long micros(Instant t) {
        return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
    }
}
