package dev.strata.local;

import dev.strata.local.process.Elapsed;
import dev.strata.local.process.ExitHook;
import dev.strata.local.process.InstanceDir;
import dev.strata.local.process.Watchdog;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Two independent S3 regions, {@code primary} and {@code backup}: two separate Ceph clusters (own
 * fsid, mon, OSD, keys and radosgw), so a bucket in one is unknown to the other, and one region's
 * gateway can be stopped while the other serves. Both clusters start in parallel.
 */
public final class LocalObjectStores implements AutoCloseable {
    public static final String PRIMARY = "primary";
    public static final String BACKUP = "backup";
    private static final String KIND = "ceph";
    private static final List<String> CEPH_TOOLS = List.of(
            "ceph-mon", "ceph-osd", "radosgw", "ceph", "radosgw-admin", "ceph-authtool", "monmaptool");

    private final Path dir;
    private final LocalRegion primary;
    private final LocalRegion backup;
    private final Watchdog watchdog;
    private final ExitHook exitHook;
    private boolean closed;

    private LocalObjectStores(Path dir, LocalRegion primary, LocalRegion backup, Watchdog watchdog) {
        this.dir = dir;
        this.primary = primary;
        this.backup = backup;
        this.watchdog = watchdog;
        this.exitHook = ExitHook.register("local-object-stores", this::close);
    }

    /** Starts both regions under a new directory in {@code workDir}; about 5-10 s on 2 cores. */
    public static LocalObjectStores start(Path workDir) {
        Elapsed elapsed = Elapsed.start();
        requireCephTools();
        InstanceDir.reapStale(workDir, KIND);
        Path dir = InstanceDir.create(workDir, KIND);
        List<Path> pidFiles = new ArrayList<>(CephCluster.pidFiles(dir.resolve(PRIMARY), PRIMARY));
        pidFiles.addAll(CephCluster.pidFiles(dir.resolve(BACKUP), BACKUP));
        // armed before the first daemon starts: Ceph daemons fork away and would outlive a killed JVM
        Watchdog watchdog = Watchdog.watchPidFiles("KILL", dir, pidFiles);
        SecureRandom random = new SecureRandom();
        ExecutorService starters = Executors.newFixedThreadPool(2, task -> {
            Thread thread = new Thread(task, "local-ceph-start");
            thread.setDaemon(true);
            return thread;
        });
        try {
            Future<LocalRegion> primary = starters.submit(() -> LocalRegion.start(dir.resolve(PRIMARY), PRIMARY, "us-east-1", random));
            Future<LocalRegion> backup = starters.submit(() -> LocalRegion.start(dir.resolve(BACKUP), BACKUP, "us-west-2", random));
            List<LocalRegion> regions = awaitBoth(primary, backup);
            LocalObjectStores stores = new LocalObjectStores(dir, regions.get(0), regions.get(1), watchdog);
            System.out.println("LocalObjectStores: regions primary and backup ready in " + elapsed);
            return stores;
        } catch (RuntimeException e) {
            watchdog.close();
            InstanceDir.deleteTree(dir);
            throw e;
        } finally {
            starters.shutdown();
        }
    }

    public LocalRegion primary() {
        return primary;
    }

    public LocalRegion backup() {
        return backup;
    }

    /**
     * The key-encryption key file of {@code regime} (created on first ask, random, 0600): what its sink and
     * restore-tool name in {@code strata.regime.<regime>.kek.file}. It lives outside every bucket.
     */
    public Path kekFile(String regime) {
        if (!regime.matches("[a-z0-9-]{1,32}")) {
            throw new IllegalArgumentException("regime name '" + regime + "' is invalid: use a-z 0-9 -");
        }
        return KekFile.createIfAbsent(dir.resolve("keks").resolve(regime + ".kek"));
    }

    /** Primary first. */
    public List<LocalRegion> regions() {
        return List.of(primary, backup);
    }

    /** Kills both clusters and deletes their directory (data, keys, credentials files). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        exitHook.cancel();
        Elapsed elapsed = Elapsed.start();
        primary.close();
        backup.close();
        watchdog.close();
        InstanceDir.deleteTree(dir);
        System.out.println("LocalObjectStores: both regions stopped in " + elapsed);
    }

    // Waits for both starts even when one fails, so that no half-started cluster is left running.
    private static List<LocalRegion> awaitBoth(Future<LocalRegion> primary, Future<LocalRegion> backup) {
        List<LocalRegion> started = new ArrayList<>();
        RuntimeException failure = null;
        for (Future<LocalRegion> future : List.of(primary, backup)) {
            try {
                started.add(future.get());
            } catch (ExecutionException e) {
                RuntimeException cause = e.getCause() instanceof RuntimeException runtime
                        ? runtime : new IllegalStateException(e.getCause());
                if (failure == null) {
                    failure = cause;
                } else {
                    failure.addSuppressed(cause);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = new IllegalStateException("interrupted while starting the Ceph regions", e);
                break;
            }
        }
        if (failure != null) {
            started.forEach(LocalRegion::close);
            throw failure;
        }
        return started;
    }

    private static void requireCephTools() {
        List<String> path = List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator));
        for (String tool : CEPH_TOOLS) {
            boolean found = path.stream().map(entry -> Path.of(entry, tool)).anyMatch(Files::isExecutable);
            if (!found) {
                throw new IllegalStateException("LocalObjectStores: '" + tool + "' is not on PATH; install the Ceph "
                        + "packages with docker/local/install-deps (ceph-mon ceph-osd radosgw ceph-common)");
            }
        }
    }
}
