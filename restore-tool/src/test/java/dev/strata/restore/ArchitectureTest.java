package dev.strata.restore;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The design's module rules, checked over the compiled main classes of EVERY module. It lives in
 * restore-tool because that module is built last in the reactor; it reads the other modules'
 * target/classes and fails if a module with sources has not been compiled.
 */
class ArchitectureTest {
    private static final List<String> MODULES =
            List.of("schemas", "capture", "streams", "sink", "restore-tool", "docker/local");
    private static JavaClasses product;

    @BeforeAll
    static void importEveryModule() {
        Path root = Path.of(System.getProperty("user.dir")).getParent();
        List<Path> classDirs = new ArrayList<>();
        for (String module : MODULES) {
            Path sources = root.resolve(module).resolve("src/main/java");
            Path classes = root.resolve(module).resolve("target/classes");
            if (Files.isDirectory(sources)) {
                assertThat(classes).as("module %s has sources but no compiled classes: build it first (mvn -am)", module)
                        .isDirectory();
                classDirs.add(classes);
            }
        }
        product = new ClassFileImporter().importPaths(classDirs);
        assertThat(product).as("classes imported from %s", classDirs).isNotEmpty();
    }

    @Test
    void onlyCaptureImportsDebezium() {
        noClasses().that().resideOutsideOfPackage("dev.strata.capture..")
                .should().dependOnClassesThat().resideInAPackage("io.debezium..")
                .because("only capture talks to Debezium: a restore needs nothing but the store and the tool")
                .check(product);
    }

    @Test
    void restoreToolDoesNotImportKafkaStreams() {
        noClasses().that().resideInAPackage("dev.strata.restore..")
                .should().dependOnClassesThat().resideInAPackage("org.apache.kafka.streams..")
                .because("the restore tool must run with only the object store and, for some targets, plain Kafka clients")
                .check(product);
    }

    @Test
    void onlySchemasBuildsObjectKeys() {
        noClasses().that().resideOutsideOfPackages("dev.strata.schemas..", "dev.strata.local..")
                .should().dependOnClassesThat().resideInAPackage("software.amazon.awssdk.services.s3..")
                .because("objects are named only by BackupLayout and written only through the ObjectStore seam;"
                        + " the local stack talks S3 only to create buckets")
                .check(product);
    }

    @Test
    void timeIsReadFromAnInjectedClock() {
        noClasses().that().resideInAPackage("dev.strata..").and().resideOutsideOfPackage("dev.strata.local..")
                .should().callMethod(System.class, "currentTimeMillis")
                .because("logic reads time from an injected Clock so that tests control it (DESIGN.md section 8)")
                .check(product);
    }

    @Test
    void noDefaultLocale() {
        noClasses().should().callMethod(Locale.class, "getDefault")
                .because("keys, times and numbers must not change with the machine's locale")
                .check(product);
    }

    @Test
    void theRestoreEngineDoesNotDependOnTheCommands() {
        noClasses().that().resideInAnyPackage("dev.strata.restore.store..", "dev.strata.restore.plan..",
                        "dev.strata.restore.replay..", "dev.strata.restore.target..", "dev.strata.restore.verify..",
                        "dev.strata.restore.drill..", "dev.strata.restore.status..", "dev.strata.restore.kafka..",
                        "dev.strata.restore.durable..", "dev.strata.restore.history..", "dev.strata.restore.rollback..",
                        "dev.strata.restore.ledger..")
                .should().dependOnClassesThat().resideInAPackage("dev.strata.restore.cli..")
                .orShould().dependOnClassesThat().resideInAPackage("picocli..")
                .because("the commands parse options and print; planning, replaying, verifying and drilling work without a command line")
                .check(product);
    }

    @Test
    void onlyTheKafkaPiecesAndTheKafkaTargetUseKafkaClients() {
        noClasses().that().resideInAPackage("dev.strata.restore..")
                .and().resideOutsideOfPackages("dev.strata.restore.kafka..", "dev.strata.restore.cli..", "dev.strata.restore.move..")
                .and().doNotHaveSimpleName("KafkaTarget")
                .should().dependOnClassesThat().resideInAPackage("org.apache.kafka.clients..")
                .because("a restore from the stores must run when Kafka is gone (DESIGN.md section 3); a move is no restore: it runs"
                        + " while the pipeline does, through its topics")
                .check(product);
    }
}
