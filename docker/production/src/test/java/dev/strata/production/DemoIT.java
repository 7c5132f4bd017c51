package dev.strata.production;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's main command, run as CI runs it: the whole pipeline on real local servers, each
 * service in its own JVM, then a point-in-time restore. Asserts what the demo prints.
 */
class DemoIT {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).resolve("../..").normalize();

    @Test
    void theDemoRestoresATenantToTheSecondAndKeepsEachTenantInItsRegime() throws Exception {
        Path log = Files.createTempFile("strata-demo", ".log");
        ProcessBuilder demo = new ProcessBuilder(List.of("bash", ROOT.resolve("docker/demo").toString(), "--no-build"))
                .directory(ROOT.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        demo.environment().put("STRATA_DEMO_ROWS", "200");
        Process process = demo.start();
        boolean finished = process.waitFor(8, TimeUnit.MINUTES);
        if (!finished) {
            process.destroy();
            process.waitFor(60, TimeUnit.SECONDS);
        }
        String output = read(log);

        assertThat(finished).as("the demo finished within 8 minutes:%n%s", output).isTrue();
        assertThat(process.exitValue()).as("demo exit code; output:%n%s", output).isZero();
        assertThat(output).contains("RESULT: checksums EQUAL")
                .contains("rows of other tenants in the restored database: 0")
                .contains("verify: OK")
                .contains("in both regions")
                .containsPattern("(?m)^acme\\s+us/primary us/backup$")
                .containsPattern("(?m)^globex\\s+eu/primary eu/backup$")
                .containsPattern("captured [1-9][0-9]* \\| routed us [1-9][0-9]*, eu [1-9][0-9]* \\| sink-us segments primary [1-9]")
                .contains("stopped; temp dirs removed");
        assertThat(ROOT.resolve("target/demo/work")).as("temp dirs removed").doesNotExist();
    }

    private static String read(Path log) throws IOException {
        return Files.readString(log);
    }
}
