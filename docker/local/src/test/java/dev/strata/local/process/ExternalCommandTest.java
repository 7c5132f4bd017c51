package dev.strata.local.process;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExternalCommandTest {

    @Test
    void returnsTrimmedStdout(@TempDir Path dir) {
        assertThat(ExternalCommand.of("echo", "sh", "-c", "echo ' 0 '").run(dir)).isEqualTo("0");
    }

    @Test
    void failureNamesStepCommandAndOutputButRedactsSecrets(@TempDir Path dir) throws Exception {
        Path daemonLog = dir.resolve("daemon.log");
        Files.writeString(daemonLog, "bind failed: Address already in use\n");

        assertThatThrownBy(() -> ExternalCommand.of("create user", "sh", "-c", "echo \"bad key $0\" >&2; exit 3", "s3cr3t-value")
                .secret("s3cr3t-value")
                .explainWith(daemonLog)
                .run(dir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("step 'create user' failed (exit code 3)")
                .hasMessageContaining("bad key ***")
                .hasMessageContaining("Address already in use")
                .hasMessageNotContaining("s3cr3t-value");
    }

    @Test
    void discardedStdoutIsNeverWritten(@TempDir Path dir) throws Exception {
        ExternalCommand.of("print secret", "sh", "-c", "echo s3cr3t-value").discardStdout().run(dir);

        try (var files = Files.list(dir)) {
            for (Path file : files.toList()) {
                assertThat(Files.readString(file)).doesNotContain("s3cr3t-value");
            }
        }
    }
}
