package dev.strata.capture;

import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Op;
import dev.strata.schemas.kafka.DeadLetterReason;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether capture streams yet, and the wait for it. Capture streams once Kafka has acknowledged the
 * first record Debezium emitted after its initial snapshot completed: the heartbeat Debezium sends
 * at the end of every snapshot, or, when there was no snapshot to take, the first streamed change or
 * heartbeat. Records are acknowledged in order, so "streaming" also means that every row of the
 * snapshot is in Kafka.
 *
 * <p>Why not the replication slot: Debezium holds the slot from the moment it creates it, before
 * the snapshot. Why not Debezium's JMX snapshot metrics: capture runs without them under load. Why
 * not the engine's callbacks: none of them marks the end of a snapshot, and a failed snapshot is
 * retried inside the task without a callback.
 */
final class StreamingWatch implements DeliveryListener {
    private static final Logger LOG = LoggerFactory.getLogger(StreamingWatch.class);
    /** Debezium's offset key, present (value INITIAL) on every record of a running initial snapshot. */
    static final String SNAPSHOT_OFFSET_KEY = "snapshot";
    private static final String INITIAL_SNAPSHOT = "INITIAL";

    private final String name;
    private final String slot;
    private final CompletableFuture<Void> streaming = new CompletableFuture<>();
    private final AtomicLong snapshotRows = new AtomicLong();

    StreamingWatch(String name, String slot) {
        this.name = name;
        this.slot = slot;
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

    @Override
    public void streaming() {
        if (streaming.complete(null)) {
            LOG.info("capture streaming: {} has its initial snapshot in Kafka ({} rows); every later change comes from slot {}",
                    name, snapshotRows.get(), slot);
        }
    }

    /** The engine stopped: a wait still going on fails, saying why; nothing once streaming. */
    void engineStopped(String why, Throwable error) {
        streaming.completeExceptionally(new CaptureStoppedException("capture " + name
                + " stopped before its initial snapshot completed: " + why, error));
    }

    boolean isStreaming() {
        return streaming.isDone() && !streaming.isCompletedExceptionally();
    }

    /**
     * Waits until capture streams.
     *
     * @throws CaptureStoppedException when the engine stopped first
     * @throws TimeoutException when the snapshot is still running, or failing and being retried, after {@code timeout}
     */
    void await(Duration timeout) throws InterruptedException, TimeoutException {
        try {
            streaming.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw (CaptureStoppedException) e.getCause();
        } catch (TimeoutException e) {
            throw new TimeoutException("capture " + name + " is not streaming after " + timeout.toMillis() / 1000.0
                    + " s: its initial snapshot has put " + snapshotRows.get() + " rows in Kafka and has not completed."
                    + " Debezium retries a failed snapshot (its log says 'Error during snapshot' and why): wait longer"
                    + " for a large database, or remove the cause, such as a lock held on a captured table for longer"
                    + " than debezium.snapshot.lock.timeout.ms");
        }
    }
}
