package dev.strata.sink.store;

import dev.strata.sink.SinkMetrics;
import dev.strata.schemas.Sha256;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.store.ConflictingObjectException;
import dev.strata.schemas.store.ObjectFile;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.PutResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the same bytes under the same key to the primary and the backup region, concurrently,
 * each region on its own threads (so a slow or dead region never delays the other). The stores
 * given are already decorated: they retry, and check the first object's lock.
 *
 * <p>The future completes when BOTH regions hold the object: only then may anything that depends
 * on it happen (an offset commit, a manifest naming it). While one region has it and the other
 * not, its events and bytes count as replication debt.
 *
 * <p>The Content-MD5 of each transfer is set and checked by the store; the SHA-256 is computed once,
 * by the segment writer, stored with the object and kept for the manifest.
 */
public final class DualRegionUploader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DualRegionUploader.class);

    /** One region's store and name ({@code primary} or {@code backup}). */
    public record Region(String name, ObjectStore store) {
    }

    private final Region primary;
    private final Region backup;
    private final ExecutorService primaryThreads;
    private final ExecutorService backupThreads;
    private final SinkMetrics metrics;
    private final Clock clock;

    public DualRegionUploader(Region primary, Region backup, int concurrencyPerRegion, SinkMetrics metrics, Clock clock) {
        this.primary = primary;
        this.backup = backup;
        this.primaryThreads = threads(primary.name(), concurrencyPerRegion);
        this.backupThreads = threads(backup.name(), concurrencyPerRegion);
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * Stores {@code bytes} under {@code key} in both regions.
     *
     * @param events how many change events the object holds, for the debt gauge (0 for a manifest)
     * @return completes when both regions hold the object; fails with the first failure that
     *     retrying cannot fix (a conflict, access denied, an unlocked bucket, stopping)
     */
    public CompletableFuture<Void> upload(ObjectKey key, byte[] bytes, Sha256 sha256, long events) {
        metrics.pending(bytes.length);
        return inBothRegions(key, bytes.length, events, store -> store.putIfAbsent(key, bytes, sha256))
                .whenComplete((ok, failure) -> metrics.pending(-bytes.length));
    }

    /**
     * Stores a staged file under {@code key} in both regions, read from disk by each region's put (a
     * base table may be larger than memory). It is not pending memory; keep the file until the future completes.
     */
    public CompletableFuture<Void> upload(ObjectKey key, ObjectFile file, long events) {
        return inBothRegions(key, file.size(), events, store -> store.putIfAbsent(key, file));
    }

    /** If one region failed for good, the object stays counted as debt: it is in one region only. */
    private CompletableFuture<Void> inBothRegions(ObjectKey key, long size, long events, Function<ObjectStore, PutResult> put) {
        AtomicInteger regionsDone = new AtomicInteger();
        CompletableFuture<Void> inPrimary = CompletableFuture.runAsync(
                () -> store(primary, key, size, events, put, regionsDone), primaryThreads);
        CompletableFuture<Void> inBackup = CompletableFuture.runAsync(
                () -> store(backup, key, size, events, put, regionsDone), backupThreads);
        return CompletableFuture.allOf(inPrimary, inBackup);
    }

    private void store(Region region, ObjectKey key, long size, long events, Function<ObjectStore, PutResult> put, AtomicInteger regionsDone) {
        Instant start = clock.instant();
        PutResult result;
        try {
            result = put.apply(region.store());
        } catch (ConflictingObjectException e) {
            metrics.conflict(region.name());
            LOG.error("ALARM: {} region: {}", region.name(), e.getMessage());
            throw e;
        }
        metrics.stored(region.name(), size, Duration.between(start, clock.instant()), result);
        // The first region to finish puts the object into debt; the second takes it out again.
        if (regionsDone.incrementAndGet() == 1) {
            metrics.debt(events, size);
        } else {
            metrics.debt(-events, -size);
        }
    }

    /** The names of both regions, primary first. */
    List<String> regions() {
        return List.of(primary.name(), backup.name());
    }

    /** Stops taking uploads and waits a while for those in flight (the stop signal has ended their retries). */
    @Override
    public void close() {
        primaryThreads.shutdown();
        backupThreads.shutdown();
        try {
            if (!primaryThreads.awaitTermination(30, TimeUnit.SECONDS) || !backupThreads.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("uploads still running after 30 s at shutdown; they are abandoned (the next run re-uploads them)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        primaryThreads.shutdownNow();
        backupThreads.shutdownNow();
    }

    private static ExecutorService threads(String region, int count) {
        AtomicInteger n = new AtomicInteger();
        return Executors.newFixedThreadPool(count, task -> {
            Thread thread = new Thread(task, "sink-upload-" + region + "-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }
}
