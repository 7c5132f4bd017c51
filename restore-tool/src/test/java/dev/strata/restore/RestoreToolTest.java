package dev.strata.restore;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit codes and messages of bad input that need no server. */
class RestoreToolTest {
    @TempDir
    Path dir;

    record Result(int code, String out, String err) {
    }

    private Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = RestoreTool.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    private Path configWithUnreachableStores() throws IOException {
        Path credentials = dir.resolve("reader.properties");
        Files.writeString(credentials, "access.key.id=READERID\nsecret.access.key=do-not-print-me\n");
        Path config = dir.resolve("restore.properties");
        StringBuilder props = new StringBuilder("strata.regimes=eu\n");
        for (String region : List.of("primary", "backup")) {
            String p = "strata.regime.eu." + region + ".";
            props.append(p).append("endpoint=http://127.0.0.1:1\n").append(p).append("bucket=strata-eu-").append(region).append('\n')
                    .append(p).append("region=us-east-1\n").append(p).append("credentials.file=").append(credentials).append('\n');
        }
        Files.writeString(config, props);
        return config;
    }

    @Test
    void aMalformedTimeIsBadInputNamingTheFormat() throws IOException {
        Result r = run("--config", configWithUnreachableStores().toString(), "replay", "--tenant", "acme", "--until", "yesterday",
                "--target", "ndjson");
        assertThat(r.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).contains("malformed time 'yesterday'").contains("2026-11-21T10:15:30Z");
    }

    @Test
    void anUnreachableStoreIsUnavailableNamingTheEndpointAndTheSetting() throws IOException {
        Result r = run("--config", configWithUnreachableStores().toString(), "replay", "--tenant", "acme", "--until", "latest",
                "--target", "ndjson");
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(r.err()).startsWith("unavailable, retry later: ");
        assertThat(r.err()).contains("http://127.0.0.1:1").contains("strata.regime.eu.primary.endpoint")
                .doesNotContain("do-not-print-me");
    }

    @Test
    void aDrillWhoseStoresDoNotAnswerIsAnErrorResultAndUnavailable() throws IOException {
        Path config = configWithUnreachableStores();
        Files.writeString(config, "strata.drill.postgres.url=jdbc:postgresql://127.0.0.1:1/postgres\n"
                + "strata.regime.eu.primary.drill.credentials.file=" + dir.resolve("reader.properties") + "\n"
                + "strata.regime.eu.backup.drill.credentials.file=" + dir.resolve("reader.properties") + "\n"
                + "bootstrap.servers=127.0.0.1:1\n", java.nio.file.StandardOpenOption.APPEND);

        Result r = run("--config", config.toString(), "drill", "--tenant", "acme");

        assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(r.err()).contains("drill could not run: acme: cannot look for tenant acme: no store could be read")
                .contains("http://127.0.0.1:1").doesNotContain("do-not-print-me");
    }

    @Test
    void aMissingConfigAndAnUnknownTargetAreBadInput() throws IOException {
        Result noConfig = run("--config", dir.resolve("nope.properties").toString(), "verify", "--tenant", "acme");
        assertThat(noConfig.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(noConfig.err()).contains("nope.properties does not exist");
        Result badTarget = run("--config", configWithUnreachableStores().toString(), "replay", "--tenant", "acme", "--until", "latest",
                "--target", "oracle");
        assertThat(badTarget.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(badTarget.err()).contains("unknown target 'oracle'");
        Result noTo = run("--config", configWithUnreachableStores().toString(), "replay", "--tenant", "acme", "--until", "latest");
        assertThat(noTo.err()).contains("--to is missing");
        Result badTenant = run("--config", configWithUnreachableStores().toString(), "list", "points", "--tenant", "a/b");
        assertThat(badTenant.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(badTenant.err()).contains("tenant id 'a/b' is invalid");
    }

    @Test
    void aMissingStoreSettingNamesTheKey() throws IOException {
        Path config = dir.resolve("partial.properties");
        Files.writeString(config, "strata.regime.eu.primary.endpoint=http://127.0.0.1:1\n");
        Result r = run("--config", config.toString(), "list", "points", "--tenant", "acme");
        assertThat(r.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).contains("strata.regime.eu.primary.bucket is missing");
    }
}
