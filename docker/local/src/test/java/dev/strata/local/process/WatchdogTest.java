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
    void foregroundShellExitsWithItsChild(@TempDir Path tmp) throws Exception {
        // its own directory, not the TempDir: the watchdog removes it once stdin closes, in the background, and removing
        // the TempDir itself raced JUnit's cleanup of it (NoSuchFileException: a flaky test)
        Path dir = Files.createDirectories(tmp.resolve("sh-1"));
        Process shell = new ProcessBuilder(Watchdog.wrapForeground(List.of("sh", "-c", "exit 7"), dir)).start();

        assertThat(shell.waitFor(5, TimeUnit.SECONDS)).isTrue();
        assertThat(shell.exitValue()).isEqualTo(7);
        shell.getOutputStream().close();
        awaitRemoved(dir);
    }

    private static void awaitRemoved(Path dir) throws InterruptedException {
        Elapsed waiting = Elapsed.start();
        while (Files.exists(dir) && !waiting.exceeds(Duration.ofSeconds(5))) {
            Thread.sleep(20);
        }
        assertThat(dir).doesNotExist();
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
