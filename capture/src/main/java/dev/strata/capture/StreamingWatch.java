package dev.strata.capture;

import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Op;
import dev.strata.schemas.kafka.DeadLetterReason;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether capture REALLY streams, and the wait for it. Two things must hold. The engine is past its
 * initial snapshot: Kafka acknowledged the first record Debezium emitted after it (the heartbeat
 * Debezium sends at the end of every snapshot, or, with no snapshot to take, the first streamed change
 * or heartbeat); records are acknowledged in order, so every row of the snapshot is in Kafka. And the
 * database agrees ({@link StreamingCheck}): the slot is active and the publication covers every
 * captured table; looked at from then on every {@link #LOOK_EVERY} until it does.
 *
 * <p>Why not the replication slot alone: Debezium holds the slot from the moment it creates it, before
 * the snapshot. Why not Debezium's JMX snapshot metrics: capture runs without them under load. Why
 * not the engine's callbacks: none of them marks the end of a snapshot, and a failed snapshot is
 * retried inside the task without a callback.
 */
final class StreamingWatch implements DeliveryListener {
    private static final Logger LOG = LoggerFactory.getLogger(StreamingWatch.class);
    static final Duration LOOK_EVERY = Duration.ofMillis(100);
    /** Debezium's offset key, present (value INITIAL) on every record of a running initial snapshot. */
    static final String SNAPSHOT_OFFSET_KEY = "snapshot";
    private static final String INITIAL_SNAPSHOT = "INITIAL";

    private final String name;
    private final Supplier<StreamingCheck.Verdict> database;
    private final Runnable confirmed;
    private final CompletableFuture<Void> streaming = new CompletableFuture<>();
    private final AtomicLong snapshotRows = new AtomicLong();
    private final ScheduledExecutorService looks;
    private volatile StreamingCheck.Verdict lastLook;

    /**
     * @param database asks the database (off the engine's thread)
     * @param confirmed told once, when capture streams (the metric)
     */
    StreamingWatch(String name, Supplier<StreamingCheck.Verdict> database, Runnable confirmed) {
        this.name = name;
        this.database = database;
        this.confirmed = confirmed;
        this.looks = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "capture-streaming-check-" + name);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** True for a record of Debezium's initial snapshot (not of a blocking or an incremental one). */
    static boolean inInitialSnapshot(SourceRecord record) {
        Map<String, ?> offset = record.sourceOffset();
        return offset != null && INITIAL_SNAPSHOT.equals(String.valueOf(offset.get(SNAPSHOT_OFFSET_KEY)));
    }

    /** True for a record Debezium emitted once no initial snapshot was running. */
    static boolean afterInitialSnapshot(SourceRecord record) {
        Map<String, ?> offset = record.sourceOffset();
        return offset != null && !INITIAL_SNAPSHOT.equals(String.valueOf(offset.get(SNAPSHOT_OFFSET_KEY)));
    }

    @Override
    public void published(ChangeEvent event, long ackedAtMicros) {
        if (event.getOp() == Op.READ && !streaming.isDone()) {
            snapshotRows.incrementAndGet();
        }
    }

    @Override
    public void parked(DeadLetterReason reason) {
    }

    @Override
    public void heartbeat(long atMillis) {
    }

    /** The engine is past its initial snapshot: from now on, ask the database until it agrees. */
    @Override
    public void streaming() {
        try {
            looks.scheduleWithFixedDelay(this::look, 0, LOOK_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stoppedMeanwhile) {
            // the engine stopped (or capture was closed) while this record was acknowledged: no streaming to confirm
        }
    }

    private void look() {
        if (streaming.isDone()) {
            looks.shutdown();
            return;
        }
        StreamingCheck.Verdict verdict = database.get();
        lastLook = verdict;
        if (verdict.streaming() && streaming.complete(null)) {
            confirmed.run();
            LOG.info("capture streaming: {} has {} initial snapshot rows in Kafka (all there were to take), {}; every later change"
                    + " comes from the slot", name, snapshotRows.get(), verdict.detail());
            looks.shutdown();
        }
    }

    /** The engine stopped: a wait still going on fails, saying why; nothing once streaming. */
    void engineStopped(String why, Throwable error) {
        streaming.completeExceptionally(new CaptureStoppedException("capture " + name
                + " stopped before it was streaming: " + why, error));
        looks.shutdownNow();
    }

    boolean isStreaming() {
        return streaming.isDone() && !streaming.isCompletedExceptionally();
    }

    /**
     * Waits until capture streams.
     *
     * @throws CaptureStoppedException when the engine stopped first
     * @throws TimeoutException when the snapshot is still running, or failing and being retried, or the
     *     database does not agree yet, after {@code timeout}
     */
    void await(Duration timeout) throws InterruptedException, TimeoutException {
        try {
            streaming.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw (CaptureStoppedException) e.getCause();
        } catch (TimeoutException e) {
            StreamingCheck.Verdict look = lastLook;
            String seconds = " s: ";
            if (look != null) {
                throw new TimeoutException("capture " + name + " is not streaming after " + timeout.toMillis() / 1000.0 + seconds
                        + "its initial snapshot is in Kafka, but " + look.detail());
            }
            throw new TimeoutException("capture " + name + " is not streaming after " + timeout.toMillis() / 1000.0 + seconds
                    + "its initial snapshot has put " + snapshotRows.get() + " rows in Kafka and has not completed."
                    + " Debezium retries a failed snapshot (its log says 'Error during snapshot' and why): wait longer"
                    + " for a large database, or remove the cause, such as a lock held on a captured table for longer"
                    + " than debezium.snapshot.lock.timeout.ms");
        }
    }
}
