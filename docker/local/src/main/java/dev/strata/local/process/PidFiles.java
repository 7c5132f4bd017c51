package dev.strata.local.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/** Daemons that fork away (Ceph, postgres) are known only by the pid files they write. */
public final class PidFiles {
    // Only these programs are ever killed by a pid file: a recycled pid must not hit a stranger.
    private static final Set<String> OUR_PROGRAMS = Set.of("java", "postgres", "ceph-mon", "ceph-osd", "radosgw");
    private static final Duration KILL_WAIT = Duration.ofSeconds(5);
    private static final Duration POLL = Duration.ofMillis(20);

    private PidFiles() {
    }

    /** The running process a pid file names, if it is one of ours. */
    public static Optional<ProcessHandle> process(Path pidFile) {
        return readPid(pidFile).flatMap(ProcessHandle::of).filter(PidFiles::isRunning).filter(PidFiles::isOurs);
    }

    /**
     * Alive and not a zombie. A daemon that forked away is re-parented to pid 1, and the init of
     * this VM reaps orphans only every 2 s or so: until then ProcessHandle.isAlive() says true.
     */
    public static boolean isRunning(ProcessHandle process) {
        if (!process.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "stat"), StandardCharsets.UTF_8);
            // "pid (comm) S ...": the state letter follows the last ')' (comm may contain spaces)
            String afterComm = stat.substring(stat.lastIndexOf(')') + 1).trim();
            return !afterComm.startsWith("Z") && !afterComm.startsWith("X");
        } catch (NoSuchFileException gone) {
            return false;
        } catch (IOException e) {
            return true; // no /proc (not Linux): trust isAlive()
        }
    }

    /** SIGKILLs the live programs named by {@code *.pid} files below {@code dir} and waits for them. */
    public static void killAll(Path dir) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        List<Path> pidFiles;
        try (Stream<Path> files = Files.find(dir, 4, (path, attrs) -> attrs.isRegularFile() && path.toString().endsWith(".pid"))) {
            pidFiles = files.toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot look for pid files in " + dir, e);
        }
        List<ProcessHandle> victims = pidFiles.stream().map(PidFiles::process).flatMap(Optional::stream).toList();
        victims.forEach(ProcessHandle::destroyForcibly);
        boolean allGone = victims.stream().allMatch(victim -> awaitExit(victim, KILL_WAIT));
        if (allGone) {
            // SIGKILLed daemons leave their pid files; gone, they would point the watchdog at stale pids
            pidFiles.forEach(PidFiles::deleteQuietly);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + file, e);
        }
    }

    /**
     * Polls until {@code process} has exited. ProcessHandle.onExit() is no help here: for a process
     * that is not our child it polls with a backoff that reaches seconds.
     */
    public static boolean awaitExit(ProcessHandle process, Duration timeout) {
        Elapsed waiting = Elapsed.start();
        while (isRunning(process)) {
            if (waiting.exceeds(timeout)) {
                return false;
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for pid " + process.pid() + " to exit", e);
            }
        }
        return true;
    }

    private static Optional<Long> readPid(Path pidFile) {
        try {
            String first = Files.readAllLines(pidFile, StandardCharsets.UTF_8).stream().findFirst().orElse("").trim();
            return first.matches("[0-9]{1,10}") ? Optional.of(Long.parseLong(first)) : Optional.empty();
        } catch (NoSuchFileException gone) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read pid file " + pidFile, e);
        }
    }

    private static boolean isOurs(ProcessHandle process) {
        String command = process.info().command().orElse("");
        String program = command.substring(command.lastIndexOf('/') + 1);
        return OUR_PROGRAMS.contains(program);
    }
}
