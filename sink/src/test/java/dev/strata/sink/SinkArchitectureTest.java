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

    @Test
    void cuttingSegmentsKnowsNothingOfWhereTheyGo() {
        noClasses().that().resideInAPackage("dev.strata.sink.segment..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.strata.sink.store..", "dev.strata.sink.base..",
                        "dev.strata.sink.manifest..", "dev.strata.sink.watermark..", "dev.strata.sink.residency..")
                .because("a partition's stream is cut into segments by rotation rules alone; uploading, sealing and watermarks come after")
                .check(MAIN);
    }

    @Test
    void theStoresAreBelowEverythingThatWritesThroughThem() {
        noClasses().that().resideInAPackage("dev.strata.sink.store..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.strata.sink.base..", "dev.strata.sink.manifest..",
                        "dev.strata.sink.watermark..", "dev.strata.sink.residency..")
                .because("bases, manifests and watermarks use the dual-region uploader and reader, never the other way round")
                .check(MAIN);
    }

    @Test
    void residencyIsDecidedFromPlacementsAlone() {
        noClasses().that().resideInAPackage("dev.strata.sink.residency..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.strata.sink.segment..", "dev.strata.sink.store..",
                        "dev.strata.sink.base..", "dev.strata.sink.manifest..", "dev.strata.sink.watermark..")
                .because("whether an event may be stored here depends only on its tenant's placement")
                .check(MAIN);
    }

    @Test
    void thePartsNeverCallBackIntoThePollLoop() {
        noClasses().that().resideInAPackage("dev.strata.sink.*..")
                .should().dependOnClassesThat().haveSimpleNameStartingWith("SinkLoop")
                .orShould().dependOnClassesThat().haveSimpleNameStartingWith("SinkService")
                .orShould().dependOnClassesThat().haveSimpleNameStartingWith("Rebalancer")
                .orShould().dependOnClassesThat().haveSimpleNameStartingWith("OffsetCommitter")
                .because("the poll loop composes the parts and keeps the commit rule; a part that called it would hide the order of"
                        + " upload, offset commit and watermark")
                .check(MAIN);
    }
}
