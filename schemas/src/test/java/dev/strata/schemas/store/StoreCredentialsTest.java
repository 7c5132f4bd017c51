package dev.strata.schemas.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreCredentialsTest {

    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    @TempDir
    Path dir;

    @Test
    void readsAPropertiesFileAndNeverShowsTheSecret() throws IOException {
        Path file = dir.resolve("writer.properties");
        Files.writeString(file, "# eu primary writer\naccess.key.id = AKIDWRITER\nsecret.access.key = " + SECRET + "\n");
        StoreCredentials credentials = StoreCredentials.fromFile(file);
        assertThat(credentials.accessKeyId()).isEqualTo("AKIDWRITER");
        assertThat(credentials.secretAccessKey()).isEqualTo(SECRET);
        assertThat(credentials.toString()).contains("AKIDWRITER").contains("<redacted>").contains(file.toString()).doesNotContain(SECRET);
        assertThat(credentials.origin()).isEqualTo("file " + file);
    }

    @Test
    void aMissingFileOrKeyIsNamedWithTheFix() throws IOException {
        Path missing = dir.resolve("nope.properties");
        assertThatThrownBy(() -> StoreCredentials.fromFile(missing))
                .hasMessageContaining(missing.toString()).hasMessageContaining("does not exist")
                .hasMessageContaining("access.key.id=... and secret.access.key=...");
        Path noSecret = dir.resolve("half.properties");
        Files.writeString(noSecret, "access.key.id=AKID\n");
        assertThatThrownBy(() -> StoreCredentials.fromFile(noSecret))
                .hasMessageContaining("lack secret.access.key").hasMessageContaining(noSecret.toString());
    }

    @Test
    void aMalformedFileDoesNotLeakItsContent() throws IOException {
        Path bad = dir.resolve("bad.properties");
        Files.writeString(bad, "access.key.id=AKID\nsecret.access.key=" + SECRET + "\\u00zz\n");
        assertThatThrownBy(() -> StoreCredentials.fromFile(bad))
                .hasMessageContaining("cannot read store credentials file " + bad)
                .satisfies(e -> assertThat(String.valueOf(e.getMessage()) + e.getCause()).doesNotContain(SECRET));
    }

    @Test
    void readsThePrefixedEnvironmentVariables() {
        StoreCredentials credentials = StoreCredentials.fromEnvironment("STRATA_EU_PRIMARY_",
                Map.of("STRATA_EU_PRIMARY_ACCESS_KEY_ID", "AKIDENV", "STRATA_EU_PRIMARY_SECRET_ACCESS_KEY", SECRET));
        assertThat(credentials.accessKeyId()).isEqualTo("AKIDENV");
        assertThat(credentials.toString()).doesNotContain(SECRET).contains("environment STRATA_EU_PRIMARY_*");
        assertThatThrownBy(() -> StoreCredentials.fromEnvironment("STRATA_EU_BACKUP_", Map.of()))
                .hasMessageContaining("lack STRATA_EU_BACKUP_ACCESS_KEY_ID");
    }

    @Test
    void aLocationRefusesCredentialsInItsUrlAndBadBucketNames() {
        assertThatThrownBy(() -> new StoreLocation(java.net.URI.create("http://AKID:" + SECRET + "@127.0.0.1:8000"), "b-1", "us-east-1"))
                .hasMessageContaining("holds user info").satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET));
        assertThatThrownBy(() -> new StoreLocation(java.net.URI.create("http://127.0.0.1:8000"), "Bad_Bucket", "us-east-1"))
                .hasMessageContaining("bucket name 'Bad_Bucket' is invalid");
        assertThatThrownBy(() -> new StoreLocation(java.net.URI.create("ftp://127.0.0.1:8000"), "bucket", "us-east-1"))
                .hasMessageContaining("is not an http(s) URL");
        assertThat(new StoreLocation(java.net.URI.create("http://127.0.0.1:8000"), "strata-eu", "us-east-1").describe())
                .isEqualTo("bucket 'strata-eu' at http://127.0.0.1:8000");
    }
}
