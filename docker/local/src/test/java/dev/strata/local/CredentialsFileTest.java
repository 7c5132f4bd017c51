package dev.strata.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CredentialsFileTest {

    @Test
    void writesAPrivatePropertiesFileThatReadsBack(@TempDir Path dir) throws Exception {
        AccessKey key = new AccessKey("AKIDEXAMPLE", "secret-example");

        Path file = CredentialsFile.write(dir.resolve("creds/writer.properties"), key);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.readString(file)).contains("access.key.id=AKIDEXAMPLE", "secret.access.key=secret-example");
        assertThat(CredentialsFile.read(file)).isEqualTo(key);
    }

    @Test
    void aFileWithoutTheSecretIsRefusedWithoutEchoingItsContent(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("partial.properties");
        Files.writeString(file, "access.key.id=AKIDEXAMPLE\n");

        assertThatThrownBy(() -> CredentialsFile.read(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("secret.access.key");
    }
}
