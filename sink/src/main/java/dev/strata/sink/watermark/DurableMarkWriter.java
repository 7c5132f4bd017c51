package dev.strata.sink.watermark;

import dev.strata.schemas.Sha256;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.durable.DurableMark;
import dev.strata.schemas.durable.DurableMarkCodec;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.ops.StoppingException;
import dev.strata.sink.SinkMetrics;
import dev.strata.sink.store.DualRegionUploader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each tenant's durable point into the store as write-once durable marks, in both regions:
 * the proof a restore bounds "latest" and {@code --until} by when Kafka may be gone. Last in the
 * ordering chain, beside the watermark: it hears only of advances that follow a successful offset
 * commit, so a mark found in ONE region proves the data is in both.
 *
 * <p>Throttled per tenant ({@code strata.durable.mark.interval.ms}): the first advance after a quiet
 * interval is written at once; later ones only raise the tenant's pending point, written once the
 * interval has passed ({@link #tick}) or at a graceful stop ({@link #flush}). At most one mark per
 * tenant is in flight: while a region's retries wait out an outage the pending point keeps rising,
 * and only the newest is written once the earlier put ended. So marks lag while a region is down;
 * a restore to "latest" then bounds at an older, still proven, point.
 *
 * <p>Owned by the poll thread; the puts run on the uploader's threads and are never waited for, so
 * a slow or failing region delays neither the poll loop nor the commit. A mark that fails for good
 * is logged and counted; the tenant's next advance writes a newer one.
 */
public final class DurableMarkWriter {
    private static final Logger LOG = LoggerFactory.getLogger(DurableMarkWriter.class);

    private final DualRegionUploader uploader;
    private final String regime;
    private final Duration interval;
    private final Clock clock;
    private final SinkMetrics metrics;
    private final Map<TenantId, TenantMarks> tenants = new HashMap<>();

    /** One tenant's throttle. */
    private static final class TenantMarks {
        /** The highest point written or pending: a mark only raises it. */
        long highestMicros = Long.MIN_VALUE;
        Instant lastWrite = Instant.MIN;
        Pending pending;
        CompletableFuture<Void> inFlight = CompletableFuture.completedFuture(null);
    }

    private record Pending(long pointMicros, long lsn, int partition, long committedOffset) {
    }

    /** @param uploader an uploader of its own, so that marks never queue ahead of segments */
    public DurableMarkWriter(DualRegionUploader uploader, String regime, Duration interval, Clock clock, SinkMetrics metrics) {
        this.uploader = uploader;
        this.regime = regime;
        this.interval = interval;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** After a commit (as the watermark): the tenant's changes up to the advance are durable in both regions. */
    public void advanced(TenantId tenant, WatermarkTracker.Advance advance, int partition, long committedOffset) {
        TenantMarks marks = tenants.computeIfAbsent(tenant, t -> new TenantMarks());
        if (advance.durableCommitMicros() <= marks.highestMicros) {
            return;
        }
        marks.highestMicros = advance.durableCommitMicros();
        marks.pending = new Pending(advance.durableCommitMicros(), advance.lsn(), partition, committedOffset);
        writeIfDue(tenant, marks, clock.instant());
    }

    /** Writes the pending marks whose interval has passed; called every poll round. */
    public void tick() {
        Instant now = clock.instant();
        tenants.forEach((tenant, marks) -> writeIfDue(tenant, marks, now));
    }

    /** At a graceful stop, before the uploader takes no more: every pending mark, whatever its interval. */
    public void flush() {
        Instant now = clock.instant();
        tenants.forEach((tenant, marks) -> {
            if (marks.pending != null) {
                write(tenant, marks, now);
            }
        });
    }

    /**
     * Whether every mark put so far has ended (stored, or failed and logged) and been counted,
     * waiting up to {@code bound}: what a caller waits for before it reads the marks' metrics.
     */
    public boolean settled(Duration bound) {
        CompletableFuture<?>[] puts = tenants.values().stream().map(m -> m.inFlight).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(puts).get(bound.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            // all ended; a failed one was logged and counted by its own callback
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return true;
    }

    private void writeIfDue(TenantId tenant, TenantMarks marks, Instant now) {
        if (marks.pending != null && marks.inFlight.isDone() && !now.isBefore(marks.lastWrite.plus(interval))) {
            write(tenant, marks, now);
        }
    }

    private void write(TenantId tenant, TenantMarks marks, Instant now) {
        Pending p = marks.pending;
        marks.pending = null;
        marks.lastWrite = now;
        DurableMark mark = new DurableMark(tenant, regime, p.pointMicros(), p.lsn(), p.partition(), p.committedOffset(), micros(now));
        byte[] bytes = DurableMarkCodec.encode(mark);
        ObjectKey key = BackupLayout.mark(mark.key());
        marks.inFlight = uploader.upload(key, bytes, Sha256.of(bytes), 0).whenComplete((ok, failure) -> {
            if (failure == null) {
                metrics.durableMarkWritten();
                return;
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            if (!(cause instanceof StoppingException)) {
                metrics.durableMarkFailed();
                LOG.warn("cannot store the durable mark {} of tenant {} in both regions: {}; its next advance writes a newer one",
                        key, tenant, cause.toString());
            }
        });
    }

    private static long micros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000;
    }
}
