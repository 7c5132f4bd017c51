package dev.strata.sink;

import dev.strata.schemas.TenantId;
import dev.strata.schemas.kafka.DeadLetterReason;
import dev.strata.schemas.layout.SegmentKey;
import dev.strata.schemas.ops.StopSignal;
import dev.strata.schemas.ops.StoppingException;
import dev.strata.schemas.store.failure.ConflictingObjectException;
import dev.strata.sink.late.LateArrivals;
import dev.strata.sink.segment.ClosedSegment;
import dev.strata.sink.segment.EventView;
import dev.strata.sink.segment.PartitionSegmenter;
import dev.strata.sink.segment.RotationLog;
import dev.strata.sink.segment.RotationReason;
import dev.strata.sink.store.UploadResult;
import dev.strata.sink.watermark.WatermarkTracker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The poll thread: reads {@code strata.routed.<regime>}, guards residency, cuts segments, and
 * keeps the ordering invariants, in this order and nowhere else:
 *
 * <ol>
 *   <li>a closed segment is uploaded only after a commit has recorded a horizon covering it
 *       ({@link CommitMetadata}: what a restart must look for in the buckets);</li>
 *   <li>an offset is committed only when every record below it is durable in BOTH regions (or
 *       parked in the dead-letter topic) ({@link CommitTracker});</li>
 *   <li>a watermark is published, and a durable mark written, only after the commit that covers its
 *       segments ({@link WatermarkTracker});</li>
 *   <li>a manifest names only segments already durable in both regions ({@link ManifestSealer}
 *       hears of a segment only then).</li>
 * </ol>
 *
 * Uploads and dead letters finish on other threads and come back through one queue, so all of
 * this state has a single owner.
 */
final class SinkLoop implements PartitionSegmenter.Output {
    private static final Logger LOG = LoggerFactory.getLogger(SinkLoop.class);
    private static final Duration MAX_POLL_WAIT = Duration.ofMillis(100);

    private final SinkParts parts;
    private final Consumer<byte[], byte[]> consumer;
    private final Admission admission;
    private final CommitTracker tracker = new CommitTracker();
    private final WatermarkTracker watermarkTracker = new WatermarkTracker();
    private final OffsetCommitter committer;
    private final Rebalancer rebalancer;
    private final LinkedBlockingQueue<UploadResult> results = new LinkedBlockingQueue<>();
    private final List<ClosedSegment> toUpload = new ArrayList<>();
    private final Set<ClosedSegment> inFlight = new HashSet<>();
    private final RotationLog rotationLog;
    private final LateArrivals lateArrivals;
    private long bytesWaiting;
    private boolean paused;
    private volatile Throwable failure;

    SinkLoop(SinkParts parts, Consumer<byte[], byte[]> consumer) {
        this.parts = parts;
        this.consumer = consumer;
        this.admission = new Admission(parts.guard(), parts.erased(), parts.metrics());
        this.committer = new OffsetCommitter(consumer, tracker);
        this.rebalancer = new Rebalancer(this, parts, consumer, tracker, watermarkTracker);
        this.rotationLog = new RotationLog(parts.clock().instant());
        this.lateArrivals = new LateArrivals(parts.uploader(), parts.watermarks(), parts.metrics(), parts.clock());
    }

    /** Runs until {@code shutdown} is signalled (then closes every segment and drains) or a failure it cannot retry. */
    void run(StopSignal shutdown) {
        consumer.subscribe(List.of(parts.topic()), rebalancer);
        while (!shutdown.stopped() && failure == null) {
            ConsumerRecords<byte[], byte[]> records = consumer.poll(pollWait());
            Instant now = parts.clock().instant();
            try {
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    handle(record, now);
                }
            } catch (SinkFailedException e) {
                fail(e); // e.g. recovery that can list neither region: nothing more is cut, uploaded or committed
                break;
            }
            parts.metrics().read(records.count());
            afterPoll(now);
        }
        if (failure == null) {
            Instant now = parts.clock().instant();
            Collection<AssignedPartition> all = List.copyOf(rebalancer.partitions().values());
            all.forEach(p -> p.segmenter.closeAll(RotationReason.SHUTDOWN, now));
            drain(all, parts.tuning().revocationTimeout());
            parts.marks().flush(); // before the stop's uploaders take no more: an idle tenant's last point is proven too
        }
        if (failure != null) {
            parts.metrics().failed();
            throw failure instanceof SinkFailedException sink ? sink
                    : new SinkFailedException("sink of regime " + parts.regime() + " stopped: " + failure.getMessage(), failure);
        }
    }

    private Duration pollWait() {
        Instant now = parts.clock().instant();
        Optional<Instant> due = rebalancer.partitions().values().stream()
                .map(p -> p.segmenter.nextDue()).flatMap(Optional::stream).min(Instant::compareTo);
        if (due.isEmpty()) {
            return MAX_POLL_WAIT;
        }
        Duration wait = Duration.between(now, due.get());
        return wait.isNegative() ? Duration.ZERO : (wait.compareTo(MAX_POLL_WAIT) > 0 ? MAX_POLL_WAIT : wait);
    }

    private void handle(ConsumerRecord<byte[], byte[]> record, Instant now) {
        AssignedPartition p = rebalancer.partitions().get(record.partition());
        Admission.Verdict verdict = admission.admit(record.value());
        if (verdict instanceof Admission.Append append) {
            watermarkTracker.read(p.partition(), append.tenant(), record.offset(), append.event().cutMicros());
            p.segmenter.append(record.offset(), append.tenant(), append.event(), now);
        } else if (verdict instanceof Admission.Heartbeat heartbeat) {
            watermarkTracker.heartbeat(p.partition(), heartbeat.tenant(), record.offset(), heartbeat.event().cutMicros(),
                    heartbeat.event().lsn());
        } else if (verdict instanceof Admission.Park park) {
            park(p, record, park.reason(), park.tenant(), park.detail());
        }
    }

    private void park(AssignedPartition p, ConsumerRecord<byte[], byte[]> record, DeadLetterReason reason, String tenant, String detail) {
        tracker.hold(p.partition(), record.offset());
        parts.metrics().deadLettered(reason);
        long epoch = p.epoch;
        parts.deadLetters().park(record, reason, tenant, detail,
                () -> results.add(new UploadResult.Parked(record.partition(), record.offset(), epoch)),
                e -> results.add(new UploadResult.ParkFailed(record.partition(), record.offset(), e)));
    }

    private void afterPoll(Instant now) {
        for (AssignedPartition p : rebalancer.partitions().values()) {
            long position = consumer.position(p.topicPartition);
            tracker.advanceTo(p.partition(), position);
            p.segmenter.rotateDue(now, position);
        }
        applyResults();
        commitThenUpload();
        parts.marks().tick();
        backpressure();
        reportLag(now);
        rotationLog.maybeSummarize(now);
    }

    @Override
    public void closed(ClosedSegment plain) {
        // sealed before anything else sees it: the manifest, the late notice and the upload all take the stored bytes
        ClosedSegment segment;
        try {
            segment = plain.sealedWith(parts.bodies());
        } catch (RuntimeException e) {
            // never stored, so its offsets are never committed: the sink stops and the next run cuts it again
            fail(new SinkFailedException("cannot seal segment " + plain.key() + " (a data key of tenant " + plain.tenant()
                    + " is created in, or read from, the regime's key store on first use): " + e.getMessage(), e));
            return;
        }
        parts.metrics().rotated(segment.reason());
        rotationLog.rotated(segment);
        lateArrivals.closed(segment);
        toUpload.add(segment);
        bytesWaiting += segment.size();
    }

    @Override
    public void alreadyDurable(TenantId tenant, long offset, EventView event, SegmentKey segment) {
        parts.metrics().alreadyDurable();
        AssignedPartition p = rebalancer.partitions().get(segment.partition());
        watermarkTracker.durable(p.partition(), new WatermarkTracker.Piece(tenant, offset, event.cutMicros(), event.lsn()));
        if (!segment.equals(p.lastSkippedSegment)) {
            p.lastSkippedSegment = segment;
            parts.sealer().durableEarlier(tenant, p.partition(), segment.hour());
            if (lateArrivals.skippedIsLate(segment)) {
                // an earlier run may have stopped between storing it and its notice: its records wait for the notice
                tracker.hold(p.partition(), offset);
                long epoch = p.epoch;
                lateArrivals.noticeEarlier(segment, parts.catalog()).whenComplete((ok, error) -> results.add(error == null
                        ? new UploadResult.Noticed(p.partition(), offset, epoch) : new UploadResult.NoticeFailed(segment, unwrap(error))));
            }
        }
    }

    /**
     * Ordering rules 1 to 3 in one step: a single commit records the horizon covering the segments
     * closed since the last round (rule 1) together with the offsets made durable since (rule 2);
     * only once it succeeded are the watermarks and durable marks of those offsets published (rule 3) and the new
     * segments handed to the uploader (rule 1). Those two depend on the commit, not on each other.
     */
    void commitThenUpload() {
        for (ClosedSegment segment : toUpload) {
            AssignedPartition p = rebalancer.partitions().get(segment.partition());
            p.wantedHorizon = Math.max(p.wantedHorizon, segment.lastOffset());
        }
        Optional<Map<AssignedPartition, Long>> moved = committer.commit(rebalancer.partitions().values());
        if (moved.isEmpty()) {
            return; // not recorded: these segments must not be uploaded yet
        }
        moved.get().forEach((p, offset) -> {
            parts.sealer().committed(p.partition(), offset);
            watermarkTracker.committed(p.partition(), offset).forEach((tenant, advance) -> {
                parts.watermarks().advanced(tenant, advance, parts.topic(), p.partition(), offset);
                parts.marks().advanced(tenant, advance, p.partition(), offset);
            });
        });
        for (ClosedSegment segment : toUpload) {
            inFlight.add(segment);
            // a late segment is durable for the commit rule only once its notice is too (see LateArrivals)
            parts.uploader().upload(segment.key(), segment.bytes(), segment.sha256(), segment.events())
                    .thenCompose(stored -> lateArrivals.afterDurable(segment))
                    .whenComplete((ok, error) -> results.add(new UploadResult.SegmentDone(segment, unwrap(error))));
        }
        toUpload.clear();
    }

    void applyResults() {
        for (UploadResult r = results.poll(); r != null; r = results.poll()) {
            apply(r);
        }
    }

    private void apply(UploadResult result) {
        if (result instanceof UploadResult.SegmentDone done) {
            applyUpload(done.segment(), done.failure());
        } else if (result instanceof UploadResult.Parked parked) {
            releaseIfCurrent(parked.partition(), parked.offset(), parked.epoch());
        } else if (result instanceof UploadResult.Noticed noticed) {
            releaseIfCurrent(noticed.partition(), noticed.offset(), noticed.epoch());
        } else if (result instanceof UploadResult.NoticeFailed failed && !(failed.failure() instanceof StoppingException)) {
            fail(new SinkFailedException("cannot store the late notice of segment " + failed.segmentObject() + ": "
                    + failed.failure().getMessage(), failed.failure()));
        } else if (result instanceof UploadResult.ParkFailed parkFailed) {
            fail(new SinkFailedException("cannot park record " + parkFailed.offset() + " of partition " + parkFailed.partition()
                    + " in the dead-letter topic: " + parkFailed.failure().getMessage() + "; check the topic and this sink's ACLs",
                    parkFailed.failure()));
        }
    }

    private void releaseIfCurrent(int partition, long offset, long epoch) {
        AssignedPartition p = rebalancer.partitions().get(partition);
        if (p != null && p.epoch == epoch) {
            tracker.release(partition, offset);
        }
    }

    private void applyUpload(ClosedSegment segment, Throwable error) {
        inFlight.remove(segment);
        bytesWaiting -= segment.size();
        AssignedPartition p = rebalancer.partitions().get(segment.partition());
        boolean current = p != null && p.epoch == segment.epoch();
        if (error == null) {
            Instant now = parts.clock().instant();
            parts.metrics().durable(Duration.between(micros(segment.summary().minCommitMicros()), now));
            parts.sealer().durable(segment); // durable whoever owns the partition now
            parts.bases().durable(segment);
            if (current) {
                tracker.release(segment.partition(), segment.firstOffset());
                watermarkTracker.durable(segment.partition(), new WatermarkTracker.Piece(segment.tenant(), segment.lastOffset(),
                        segment.summary().maxCommitMicros(), segment.lsnAtMaxCommit()));
            }
        } else if (error instanceof ConflictingObjectException) {
            if (current && !p.blocked) {
                p.blocked = true;
                consumer.pause(List.of(p.topicPartition));
                LOG.error("partition {} is blocked: segment {} conflicts with what the store holds (see the ALARM above);"
                        + " its offsets stay where they are until an operator has run restore-tool verify and restarted this sink",
                        segment.partition(), segment.key());
            }
        } else if (!(error instanceof StoppingException)) {
            fail(new SinkFailedException("sink of regime " + parts.regime() + " cannot store segment " + segment.key() + ": "
                    + error.getMessage(), error));
        }
    }

    /** Waits (up to {@code idleTimeout} without progress) until the given partitions' segments are durable, then commits. */
    void drain(Collection<AssignedPartition> partitions, Duration idleTimeout) {
        commitThenUpload();
        Set<Integer> numbers = new HashSet<>();
        partitions.forEach(p -> numbers.add(p.partition()));
        long idleMillis = 0;
        while (failure == null && inFlight.stream().anyMatch(s -> numbers.contains(s.partition()))
                && idleMillis < idleTimeout.toMillis()) {
            try {
                UploadResult result = results.poll(MAX_POLL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                if (result == null) {
                    idleMillis += MAX_POLL_WAIT.toMillis();
                } else {
                    apply(result);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        applyResults();
        commitThenUpload();
        long left = inFlight.stream().filter(s -> numbers.contains(s.partition())).count();
        if (left > 0) {
            LOG.warn("{} segment(s) of partitions {} were not durable in both regions within {} s; their offsets stay uncommitted"
                    + " and whoever reads these partitions next completes them", left, numbers, idleTimeout.toSeconds());
        }
    }

    private void backpressure() {
        boolean over = bytesWaiting > parts.tuning().uploadMaxPendingBytes();
        if (over != paused) {
            paused = over;
            parts.metrics().paused(over);
            if (over) {
                consumer.pause(rebalancer.topicPartitions(false));
                LOG.warn("pausing consumption: {} bytes wait for upload (limit {}); is a region down?", bytesWaiting,
                        parts.tuning().uploadMaxPendingBytes());
            } else {
                consumer.resume(rebalancer.topicPartitions(true));
                LOG.info("resuming consumption: {} bytes wait for upload", bytesWaiting);
            }
        }
    }

    private void reportLag(Instant now) {
        long oldest = Long.MAX_VALUE;
        for (AssignedPartition p : rebalancer.partitions().values()) {
            oldest = Math.min(oldest, p.segmenter.oldestOpenCommitMicros().orElse(Long.MAX_VALUE));
        }
        for (ClosedSegment s : inFlight) {
            oldest = Math.min(oldest, s.summary().minCommitMicros());
        }
        for (ClosedSegment s : toUpload) {
            oldest = Math.min(oldest, s.summary().minCommitMicros());
        }
        parts.metrics().backupLag(oldest == Long.MAX_VALUE ? Duration.ZERO : Duration.between(micros(oldest), now));
    }

    /** Segments of partitions taken away before upload are dropped: the new owner reads their records again. */
    void forget(Collection<Integer> partitions) {
        toUpload.removeIf(s -> {
            boolean gone = partitions.contains(s.partition());
            if (gone) {
                lateArrivals.forget(s);
                bytesWaiting -= s.size();
            }
            return gone;
        });
    }

    boolean paused() {
        return paused;
    }

    /** The partitions' bookkeeping; poll-thread state, so read it there only (a test does so in a poll task). */
    Rebalancer rebalancer() {
        return rebalancer;
    }

    boolean failed() {
        return failure != null;
    }

    private void fail(Throwable error) {
        if (failure == null) {
            failure = error;
        }
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    private static Instant micros(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
    }
}
