package dev.strata.schemas;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The layering inside the contracts module. */
class SchemasArchitectureTest {

    /** This module's compiled main classes only (surefire runs in the module directory). */
    private static final JavaClasses MAIN = new ClassFileImporter().importPath(Path.of("target", "classes"));

    @Test
    void theLayoutDependsOnNothingButTheValueTypes() {
        noClasses().that().resideInAPackage("dev.strata.schemas.layout..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.strata.schemas.store..", "dev.strata.schemas.segment..",
                        "dev.strata.schemas.manifest..", "dev.strata.schemas.event..", "software.amazon.awssdk..")
                .because("BackupLayout is the one formatter of keys: every other part uses it, it uses none of them")
                .check(MAIN);
    }

    @Test
    void onlyTheS3PackageTalksS3() {
        noClasses().that().resideOutsideOfPackage("dev.strata.schemas.store.s3..")
                .should().dependOnClassesThat().resideInAPackage("software.amazon.awssdk..")
                .because("the ObjectStore seam keeps the SDK behind one interface that has an in-memory twin")
                .check(MAIN);
    }

    @Test
    void theSeamDoesNotKnowItsS3Implementation() {
        noClasses().that().resideInAPackage("dev.strata.schemas.store")
                .should().dependOnClassesThat().resideInAPackage("dev.strata.schemas.store.s3..")
                .because("the seam, its value types and decorators are what every module codes against; S3 is one implementation of it")
                .check(MAIN);
    }

    @Test
    void sharedContractsDoNotReachIntoTheStores() {
        noClasses().that().resideInAnyPackage("dev.strata.schemas.watermark..", "dev.strata.schemas.kafka..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.strata.schemas.store..", "software.amazon.awssdk..")
                .because("watermarks and compacted topics are Kafka contracts: a reader of them needs no object store")
                .check(MAIN);
    }

    @Test
    void theFoldTouchesNoStore() {
        noClasses().that().resideInAPackage("dev.strata.schemas.fold..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.strata.schemas.store..", "software.amazon.awssdk..")
                .because("the fold is pure computation shared by replay and base-making; its callers fetch and verify bytes")
                .check(MAIN);
    }

    @Test
    void codecsDoNotReadTheWallClock() {
        noClasses().should().callMethod(Instant.class, "now")
                .orShould().callMethod(System.class, "currentTimeMillis")
                .because("keys and manifests are deterministic: times come from the events and the caller's Clock")
                .check(MAIN);
    }
}
