package dev.strata.production.soak;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.local.LocalStackExtension;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * bench/soak's driver in 3 minutes of load (the backup gateway still frozen for 90 s: the region alert needs it).
 * Outside the default suite (about 7 minutes with its checks): {@code -Dsoak} runs it, see this module's pom.
 */
class SoakIT {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).resolve("../..").normalize();

    @Test
    void nothingIsLostWhileEverythingMovesAndEveryFaultRaisesItsAlert() throws Exception {
        SoakResult result = new SoakRun(SoakPlan.ci(), ROOT, LocalStackExtension.workDir(), ROOT.resolve("target/soak-it")).run();

        assertThat(result.failures()).as(result.report()).isEmpty();
    }
}
