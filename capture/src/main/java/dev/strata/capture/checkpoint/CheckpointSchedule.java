package dev.strata.capture.checkpoint;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a checkpoint every interval on its own thread, beside the engine. A failed checkpoint is
 * logged and the next one is tried on time: a drill then uses an older checkpoint, and its age
 * (strata_drill_checkpoint_age_seconds) shows the gap.
 */
public final class CheckpointSchedule implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointSchedule.class);

    private final ScheduledExecutorService timer;

    private CheckpointSchedule(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    /** @return null when {@code interval} is zero (the schedule is off) */
    public static CheckpointSchedule start(CheckpointTaker taker, Duration interval, String captureName) {
        if (interval.isZero()) {
            return null;
        }
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "capture-checkpoints-" + captureName);
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleAtFixedRate(() -> {
            try {
                CheckpointMessage taken = taker.take();
                LOG.info("checkpoint of {} tenant(s) taken in snapshot {}", taken.tenants().size(), taken.snapshot());
            } catch (java.sql.SQLException | RuntimeException e) {
                LOG.warn("checkpoint failed: {} (check that the capture role may read every captured table and execute"
                        + " pg_logical_emit_message); the next one runs in {}", e.getMessage(), interval);
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return new CheckpointSchedule(timer);
    }

    @Override
    public void close() throws InterruptedException {
        timer.shutdownNow();
        timer.awaitTermination(10, TimeUnit.SECONDS);
    }
}
