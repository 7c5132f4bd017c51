package dev.strata.capture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.local.FreePorts;
import dev.strata.local.LocalPostgres;
import dev.strata.local.LocalStackExtension;
import dev.strata.schemas.kafka.KafkaReachability;
import dev.strata.schemas.ops.ServiceExit;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Capture with a real source database but no Kafka (a loopback port nobody listens on) says so in
 * one line naming bootstrap.servers, once its start-up deadline has passed, and exits 4.
 */
// beside the module's other classes (it.junit.parameters in its pom): it mostly waits the 20 s start-up deadline
@Execution(ExecutionMode.CONCURRENT)
@ExtendWith(LocalStackExtension.class)
class CaptureKafkaUnreachableIT {
    private static final String DB = "unreachable_it";
    /** Only a guard against a hang: capture's own deadline is what the assertions name. */
    private static final Duration JVM_START_MARGIN = Duration.ofSeconds(60);

    @Test
    void exitsUnavailableWithOneLineNamingBootstrapServers(LocalPostgres pg) throws Exception {
        pg.createDatabase(DB);
        CaptureTestSetup.execute(pg, DB, "CREATE TABLE orders (tenant_id text, id bigint, PRIMARY KEY (tenant_id, id))");
        String brokers = "127.0.0.1:" + FreePorts.next();
        Properties props = new Properties();
        // the documented keys, as an operator writes them
        props.setProperty("bootstrap.servers", brokers);
        props.setProperty("strata.capture.name", "unreachable");
        props.setProperty("strata.capture.tables", "public.orders");
        props.setProperty("database.hostname", "127.0.0.1");
        props.setProperty("database.port", Integer.toString(pg.port()));
        props.setProperty("database.dbname", DB);
        props.setProperty("database.user", pg.user());
        Path dir = LocalStackExtension.workDir().resolve("capture-unreachable-" + System.nanoTime());

        try (CaptureProcess capture = CaptureProcess.start(dir, props, "capture.log")) {
            assertThat(capture.awaitExit(KafkaReachability.STARTUP_DEADLINE.plus(JVM_START_MARGIN)))
                    .as("capture's exit; its log:%n%s", capture.log()).hasValue(ServiceExit.UNAVAILABLE);
            List<String> lines = capture.log().lines().filter(l -> l.contains("no answer from Kafka")).toList();
            assertThat(lines).as("capture's log:%n%s", capture.log()).hasSize(1);
            assertThat(lines.get(0)).contains("capture unreachable cannot start: no answer from Kafka at bootstrap.servers=" + brokers
                    + " within " + KafkaReachability.STARTUP_DEADLINE.toSeconds() + " s").contains("check that the brokers are up");
            assertThat(capture.log()).as("no stack trace after the line").doesNotContain("\tat ");
        }
    }
}
