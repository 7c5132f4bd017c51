package dev.strata.sink;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** House rules of the sink, checked on its compiled main classes. */
class SinkArchitectureTest {
    private static final JavaClasses MAIN = new ClassFileImporter().importPath(Path.of("target", "classes"));

    @Test
    void logicReadsTimeOnlyFromTheInjectedClock() {
        noClasses().that().doNotHaveSimpleName("SinkMain")
                .should().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(Instant.class, "now")
                .orShould().callMethod(Clock.class, "systemUTC")
                .orShould().callMethod(Clock.class, "systemDefaultZone")
                .because("rotation, lag, grace periods and watermarks are tested with a controlled Clock; only main picks the real one")
                .check(MAIN);
    }

    @Test
    void neverSleepsOrUsesTheDefaultLocale() {
        noClasses().should().callMethod(Thread.class, "sleep", long.class)
                .orShould().callMethod(Locale.class, "getDefault")
                .because("waits are on a condition (StopSignal, a result queue) so that stopping is immediate; output must not"
                        + " depend on the machine's locale")
                .check(MAIN);
    }

    @Test
    void neverTalksToS3Directly() {
        noClasses().should().dependOnClassesThat().resideInAPackage("software.amazon.awssdk..")
                .because("everything goes through the ObjectStore seam (and schemas' ObjectLockCheck), which has an in-memory twin for tests")
                .check(MAIN);
    }
}
