package dev.strata.sink.store;

import dev.strata.schemas.Sha256;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.ops.StoppingException;
import dev.strata.schemas.store.ObjectFile;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.PutResult;
import dev.strata.schemas.store.failure.ConflictingObjectException;
import dev.strata.schemas.store.failure.StoreException;
import dev.strata.sink.SinkMetrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
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
 *
 * <p>A graceful stop ({@link GracefulStop}) must not leave an object in one region when it could
 * have put it in both: {@link #stopTaking} refuses new objects before either region is touched,
 * and {@link #awaitInFlight} lets those already taken finish in both regions, retries still
 * running. Each region's store checks the sink's abort signal on its own, so that signal may only
 * be raised after this wait.
 */
public final class DualRegionUploader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DualRegionUploader.class);
    /** Keys named in the log line of a stop that hit its bound; the count says how many more. */
    private static final int KEYS_LOGGED = 20;

    /** One region's store and name ({@code primary} or {@code backup}). */
    public record Region(String name, ObjectStore store) {
    }

    /** An object taken, until both regions are done with it (stored or failed). Identity, not value: a key may be taken twice. */
    private static final class InFlight {
        final ObjectKey key;
        final CompletableFuture<Void> inPrimary;
        final CompletableFuture<Void> inBackup;
        final CompletableFuture<Void> both;
        /** What the caller was given: it completes after {@link #both}, in a dependent of it. */
        CompletableFuture<Void> told;

        InFlight(ObjectKey key, CompletableFuture<Void> inPrimary, CompletableFuture<Void> inBackup) {
            this.key = key;
            this.inPrimary = inPrimary;
            this.inBackup = inBackup;
            this.both = CompletableFuture.allOf(inPrimary, inBackup);
        }

        /** Done in both regions, and the caller's future completed too: a caller asked next sees it done. */
        CompletableFuture<Void> settled() {
            return CompletableFuture.allOf(both, told);
        }

        String describe(Region primary, Region backup) {
            boolean p = stored(inPrimary);
            boolean b = stored(inBackup);
            String where = p ? primary.name() + " only" : b ? backup.name() + " only" : "neither region";
            return key + " (in " + where + ")";
        }

        private static boolean stored(CompletableFuture<Void> region) {
            return region.isDone() && !region.isCompletedExceptionally();
        }
    }

    private final Region primary;
    private final Region backup;
    private final ExecutorService primaryThreads;
    private final ExecutorService backupThreads;
    private final SinkMetrics metrics;
    private final Clock clock;
    /** Guards {@link #taking} and {@link #inFlight}: an object is refused, or started in both regions, never in one. */
    private final Object lock = new Object();
    private boolean taking = true;
    private final Set<InFlight> inFlight = new LinkedHashSet<>();

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
     * @return completes when both regions hold the object; fails as soon as one region fails in a
     *     way retrying cannot fix (a conflict, access denied, an unlocked bucket, stopping), even
     *     while the other region still retries; after {@link #stopTaking}, at once with
     *     {@link StoppingException}, in neither region
     */
    public CompletableFuture<Void> upload(ObjectKey key, byte[] bytes, Sha256 sha256, long events) {
        metrics.pending(bytes.length);
        CompletableFuture<Void> upload = inBothRegions(key, bytes.length, events, store -> store.putIfAbsent(key, bytes, sha256), true);
        upload.whenComplete((ok, failure) -> metrics.pending(-bytes.length)); // beside, not in between: settled() waits for what the caller holds
        return upload;
    }

    /**
     * Stores a staged file under {@code key} in both regions, read from disk by each region's put (a
     * base table may be larger than memory). It is not pending memory; keep the file until the future completes.
     * Unlike the bytes' future, this one completes only once BOTH regions are done with the file, even after one
     * failed: its caller deletes the file then. Refused like the other after {@link #stopTaking}.
     */
    public CompletableFuture<Void> upload(ObjectKey key, ObjectFile file, long events) {
        return inBothRegions(key, file.size(), events, store -> store.putIfAbsent(key, file), false);
    }

    /**
     * If one region failed for good, the object stays counted as debt: it is in one region only.
     *
     * <p>A refusal is a failed future, not a throw: a caller that stores several objects (a base's
     * tables) then still waits for those already taken, whose files must outlive their uploads.
     */
    private CompletableFuture<Void> inBothRegions(ObjectKey key, long size, long events, Function<ObjectStore, PutResult> put,
                                                  boolean failFirst) {
        AtomicInteger regionsDone = new AtomicInteger();
        synchronized (lock) {
            // Decided for both regions at once: a stop that began refuses the object before either region sees it.
            if (!taking) {
                return CompletableFuture.failedFuture(new StoppingException("upload of " + key));
            }
            CompletableFuture<Void> inPrimary = CompletableFuture.runAsync(
                    () -> store(primary, key, size, events, put, regionsDone), primaryThreads);
            CompletableFuture<Void> inBackup = CompletableFuture.runAsync(
                    () -> store(backup, key, size, events, put, regionsDone), backupThreads);
            InFlight upload = new InFlight(key, inPrimary, inBackup);
            upload.told = failFirst ? firstFailureOrBoth(upload) : upload.both;
            inFlight.add(upload);
            // on settled(), not both: until the caller's future completes too, settled() must still find it
            upload.settled().whenComplete((ok, failure) -> {
                synchronized (lock) {
                    inFlight.remove(upload);
                }
            });
            return upload.told;
        }
    }

    /**
     * Fails as soon as one region fails for good, else completes once both hold the object. Waiting
     * for both (as {@code allOf} does) would hide an access denied in one region behind the other
     * region's retries, which last as long as its outage: the sink would read on, its offsets stuck,
     * with nothing said and nothing counted.
     */
    private static CompletableFuture<Void> firstFailureOrBoth(InFlight upload) {
        CompletableFuture<Void> first = new CompletableFuture<>();
        upload.inPrimary.whenComplete((ok, failure) -> failIf(first, failure));
        upload.inBackup.whenComplete((ok, failure) -> failIf(first, failure));
        upload.both.whenComplete((ok, failure) -> {
            if (failure == null) {
                first.complete(null);
            }
        });
        return first;
    }

    private static void failIf(CompletableFuture<Void> future, Throwable failure) {
        if (failure != null) {
            future.completeExceptionally(failure);
        }
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
        } catch (StoreException | UnlockedBucketException e) {
            // Past the retrying store, so not retryable (access denied, another 4xx, an unlocked bucket): said here, with
            // its region, the moment it happens, whatever the other region is still doing.
            metrics.uploadFailed(region.name());
            LOG.error("{} region refused {} for good: {}", region.name(), key, e.getMessage());
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

    /**
     * The first step of a graceful stop: from now on {@link #upload} refuses every object, in both
     * regions. Those already taken go on, retrying as before.
     */
    public void stopTaking() {
        synchronized (lock) {
            taking = false;
        }
    }

    /** Whether objects are still taken: false once a stop began. */
    public boolean taking() {
        synchronized (lock) {
            return taking;
        }
    }

    /**
     * The second step of a graceful stop: waits up to {@code bound} for every object taken to be
     * done in both regions (stored, or failed for good), then logs each that is not, with the
     * region that holds it. Call it before the abort signal: that signal ends the retries, and
     * with them any chance of the second region.
     *
     * @return the keys still in flight (empty if everything finished)
     */
    public List<ObjectKey> awaitInFlight(Duration bound) {
        stopTaking(); // else an object taken while this waits would not be waited for
        List<InFlight> taken = awaitSettled(bound);
        List<InFlight> left = taken.stream().filter(u -> !u.both.isDone()).toList();
        if (!left.isEmpty()) {
            LOG.warn("{} object(s) taken for upload were not in both regions {} ms after the stop began, and their retries end now:"
                    + " {}{}. The next run completes them: a segment's offsets stay uncommitted, so its records are read again;"
                    + " a manifest or base.manifest in one region is copied to the other; base tables without their base.manifest"
                    + " are unused, and the next fold writes them again", left.size(), bound.toMillis(),
                    left.stream().limit(KEYS_LOGGED).map(u -> u.describe(primary, backup)).collect(Collectors.joining(", ")),
                    left.size() > KEYS_LOGGED ? " and " + (left.size() - KEYS_LOGGED) + " more" : "");
        }
        return left.stream().map(u -> u.key).toList();
    }

    /**
     * Waits up to {@code bound} for the objects taken so far to be done in both regions (stored, or
     * failed for good), without refusing new ones. An upload's own future fails as soon as one
     * region refuses for good, while the other region's put may still run: this is how a caller
     * waits for that put to end too.
     *
     * @return the objects that were in flight when called
     */
    List<InFlight> awaitSettled(Duration bound) {
        List<InFlight> taken;
        synchronized (lock) {
            taken = List.copyOf(inFlight);
        }
        if (taken.isEmpty()) {
            return taken;
        }
        try {
            CompletableFuture.allOf(taken.stream().map(InFlight::settled).toArray(CompletableFuture[]::new))
                    .get(bound.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            // the bound is hit: the caller sees which are not done
        } catch (ExecutionException e) {
            // all are done, one of them failed for good: its owner hears of it through its own future
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return taken;
    }

    /** Whether every object taken so far is done in both regions, waiting up to {@code bound} for it. */
    public boolean settled(Duration bound) {
        return awaitSettled(bound).stream().allMatch(u -> u.settled().isDone());
    }

    /**
     * Refuses new uploads and waits a while for the threads to end. In a graceful stop
     * {@link #awaitInFlight} came first and the abort signal has ended the retries since.
     */
    @Override
    public void close() {
        stopTaking();
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
