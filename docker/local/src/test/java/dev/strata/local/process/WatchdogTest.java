package dev.strata.local.process;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Plain processes only (sleep): what the watchdogs do when this JVM lets go of them. */
class WatchdogTest {

    @Test
    void pidFileWatchdogKillsTheDaemonAndRemovesItsDirectoryOnEof(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("ceph-1"));
        Process daemon = new ProcessBuilder("sleep", "300").start();
        Path pidFile = dir.resolve("daemon.pid");
        Files.writeString(pidFile, daemon.pid() + "\n");
        Watchdog watchdog = Watchdog.watchPidFiles("TERM", dir, List.of(pidFile, dir.resolve("never-written.pid")));

        watchdog.close();

        assertThat(daemon.waitFor(5, TimeUnit.SECONDS)).isTrue();
        assertThat(dir).doesNotExist();
    }

    @Test
    void foregroundWatchdogStopsItsChildWhenStdinCloses(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("kafka-1"));
        Process shell = new ProcessBuilder(Watchdog.wrapForeground(List.of("sleep", "300"), dir)).start();
        ProcessHandle child = awaitChild(shell);

        shell.getOutputStream().close();

        assertThat(shell.waitFor(5, TimeUnit.SECONDS)).isTrue();
        assertThat(PidFiles.awaitExit(child, Duration.ofSeconds(5))).isTrue();
        awaitRemoved(dir);
    }

    @Test
    void foregroundShellExitsWithItsChildAndKeepsItsDirectoryWithTheLogThatSaysWhy(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("kafka-2"));
        Path log = dir.resolve("stdout.log");
        Path go = tmp.resolve("go");
        Files.writeString(dir.resolve("server.pid"), "1\n");
        // the child waits for the test to have found the watcher, which is an orphan (no descendant) once the shell exits
        String child = "while [ ! -f " + go + " ]; do sleep 0.02; done; echo 'Address already in use'; exit 7";
        Process shell = new ProcessBuilder(Watchdog.wrapForeground(List.of("sh", "-c", child), dir))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        ProcessHandle watcher = awaitWatcher(shell);
        Files.writeString(go, "");

        assertThat(shell.waitFor(5, TimeUnit.SECONDS)).isTrue();
        assertThat(shell.exitValue()).isEqualTo(7);
        shell.getOutputStream().close(); // the JDK closes it too, once the shell has exited
        assertThat(PidFiles.awaitExit(watcher, Duration.ofSeconds(5))).as("the watcher is done (a zombie counts as done)").isTrue();

        assertThat(log).as("the log is still there to read").content().contains("Address already in use");
        assertThat(dir.resolve("server.pid")).as("a later run's reaping must not kill what has that pid by then").doesNotExist();
    }

    private static void awaitRemoved(Path dir) throws InterruptedException {
        Elapsed waiting = Elapsed.start();
        while (Files.exists(dir) && !waiting.exceeds(Duration.ofSeconds(5))) {
            Thread.sleep(20);
        }
        assertThat(dir).doesNotExist();
    }

    /** The background shell that reads the pipe: the parent of its {@code cat}. */
    private static ProcessHandle awaitWatcher(Process shell) throws InterruptedException {
        Elapsed waiting = Elapsed.start();
        while (!waiting.exceeds(Duration.ofSeconds(5))) {
            var watcher = shell.descendants().filter(c -> c.info().command().orElse("").endsWith("cat"))
                    .flatMap(cat -> cat.parent().stream()).findFirst();
            if (watcher.isPresent()) {
                return watcher.get();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the watchdog shell never started its watcher");
    }

    private static ProcessHandle awaitChild(Process shell) throws InterruptedException {
        Elapsed waiting = Elapsed.start();
        while (!waiting.exceeds(Duration.ofSeconds(5))) {
            var sleeper = shell.children().filter(c -> c.info().command().orElse("").endsWith("sleep")).findFirst();
            if (sleeper.isPresent()) {
                return sleeper.get();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the watchdog shell never started its child");
    }
}
