package dev.strata.sink;

import dev.strata.sink.store.DualRegionUploader;
import dev.strata.schemas.ops.StopSignal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a sink stops on SIGTERM or {@link SinkService#close}. A backup user expects a graceful stop
 * to leave nothing half-done that it could finish in a bounded time, as Kafka Connect's sink tasks
 * flush on stop within a timeout; a crash (kill -9) is what recovery is for ({@code SinkCrashIT}).
 * So, in this order:
 *
 * <ol>
 *   <li>the poll thread closes every open segment (SHUTDOWN), waits for them to be durable in both
 *       regions, commits the offsets they make durable and publishes the watermarks that follow
 *       ({@link SinkLoop#run}, bounded by the revocation timeout);</li>
 *   <li>the sealer and the base folder start no new round, and the uploaders take no new object (one
 *       is refused before either region sees it);</li>
 *   <li>what the uploaders took before (a manifest being sealed, a base object, a segment step 1 gave
 *       up on) gets up to the revocation timeout to be in BOTH regions, its retries still running;
 *       the sealer then publishes the watermark of a manifest it completed;</li>
 *   <li>only then does the abort signal end every retry and wait; what did not finish is logged by key.</li>
 * </ol>
 *
 * <p>The abort used to come right after step 1, while the sealer could be storing a manifest: each
 * region's store gives up on its own when it sees the signal, so the manifest could reach the
 * primary and not the backup (SinkIT read 10 objects stored in one region, 9 in the other).
 *
 * <p>After the sink failed on its own, step 3 does not wait: nothing more is written after a failure
 * (the bucket may be unlocked, the key denied), and the next run recovers.
 */
final class GracefulStop {
    private static final Logger LOG = LoggerFactory.getLogger(GracefulStop.class);
    /** What the poll thread may need beyond its own drain: a last commit, closing the consumer. */
    private static final Duration POLL_THREAD_SLACK = Duration.ofSeconds(30);

    private final StopSignal shutdown;
    private final StopSignal abort;
    private final Thread pollThread;
    private final ExecutorService sealerThread;
    private final ExecutorService baseThread;
    private final List<DualRegionUploader> uploaders;
    private final Duration bound;
    private final Clock clock;

    /**
     * @param shutdown ends the poll thread's loop (step 1)
     * @param abort ends every store's retries and waits (step 4)
     * @param bound how long step 3 waits: {@code strata.revocation.timeout.ms}
     */
    GracefulStop(StopSignal shutdown, StopSignal abort, Thread pollThread, ExecutorService sealerThread, ExecutorService baseThread,
                 List<DualRegionUploader> uploaders, Duration bound, Clock clock) {
        this.shutdown = shutdown;
        this.abort = abort;
        this.pollThread = pollThread;
        this.sealerThread = sealerThread;
        this.baseThread = baseThread;
        this.uploaders = List.copyOf(uploaders);
        this.bound = bound;
        this.clock = clock;
    }

    /** Runs the four steps; returns once retries are abandoned. The caller closes the resources after. */
    void run(BooleanSupplier failed) {
        shutdown.stop();
        join(pollThread, bound.plus(POLL_THREAD_SLACK));
        sealerThread.shutdown(); // no new round; one under way finds its next upload refused and ends
        baseThread.shutdown();
        uploaders.forEach(DualRegionUploader::stopTaking); // all before any wait: a fold's next table must not slip in meanwhile
        Instant deadline = clock.instant().plus(failed.getAsBoolean() ? Duration.ZERO : bound);
        for (DualRegionUploader uploader : uploaders) {
            uploader.awaitInFlight(left(deadline));
        }
        // A seal whose manifest just completed publishes its watermark before the producer is closed.
        // The base thread is not waited for: a fold is minutes of work, and its next upload is refused.
        awaitTermination(sealerThread, left(deadline));
        abort.stop();
        sealerThread.shutdownNow();
        baseThread.shutdownNow();
    }

    private Duration left(Instant deadline) {
        Duration left = Duration.between(clock.instant(), deadline);
        return left.isNegative() ? Duration.ZERO : left;
    }

    private static void join(Thread thread, Duration timeout) {
        try {
            thread.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("the poll thread did not end within {} s of the stop; stopping the uploads anyway (its offsets stay"
                    + " uncommitted: the next run reads those records again)", timeout.toSeconds());
        }
    }

    private static void awaitTermination(ExecutorService thread, Duration timeout) {
        try {
            thread.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
