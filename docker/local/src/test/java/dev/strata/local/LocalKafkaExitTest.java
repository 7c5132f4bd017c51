package dev.strata.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** What LocalKafka says at close about a broker that had exited on its own: its status and the end of its logs. */
class LocalKafkaExitTest {
    @TempDir
    Path dir;

    @Test
    void aKilledBrokerIsNamedWithItsSignalAndItsLogsLastLines() throws Exception {
        Files.writeString(dir.resolve("server.log"), "INFO started\nERROR the last thing it said\n");
        Process shell = new ProcessBuilder("sh", "-c", "kill -KILL $$").start();
        assertThat(shell.waitFor(10, TimeUnit.SECONDS)).isTrue();

        String said = LocalKafka.exitedOnItsOwn(shell, dir, "127.0.0.1:9").orElseThrow();

        assertThat(said).contains("127.0.0.1:9", "status 137 (killed by signal 9)", "ERROR the last thing it said", "no "
                + dir.resolve("stdout.log"));
    }

    @Test
    void anExitWithAnErrorStatusIsNoSignal() throws Exception {
        Process shell = new ProcessBuilder("sh", "-c", "exit 1").start();
        assertThat(shell.waitFor(10, TimeUnit.SECONDS)).isTrue();

        assertThat(LocalKafka.exitedOnItsOwn(shell, dir, "127.0.0.1:9").orElseThrow()).contains("status 1;").doesNotContain("signal");
    }

    @Test
    void aRunningBrokerHasNothingToSay() throws Exception {
        Process shell = new ProcessBuilder("sleep", "30").start();
        try {
            assertThat(LocalKafka.exitedOnItsOwn(shell, dir, "127.0.0.1:9")).isEmpty();
        } finally {
            shell.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
