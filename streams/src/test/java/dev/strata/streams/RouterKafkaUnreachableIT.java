package dev.strata.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.local.FreePorts;
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

/**
 * The router started against a cluster that is not there (a loopback port nobody listens on) says so
 * in one line naming bootstrap.servers, once its start-up deadline has passed, and exits 4; Kafka
 * Streams alone would retry forever.
 */
// beside the module's other classes (it.junit.parameters in its pom): it mostly waits the 20 s start-up deadline
@Execution(ExecutionMode.CONCURRENT)
class RouterKafkaUnreachableIT {
    /** Only a guard against a hang: the router's own deadline is what the assertions name. */
    private static final Duration JVM_START_MARGIN = Duration.ofSeconds(60);

    @Test
    void exitsUnavailableWithOneLineNamingBootstrapServers() throws Exception {
        String brokers = "127.0.0.1:" + FreePorts.next();
        Properties props = new Properties();
        // the documented keys, as an operator writes them
        props.setProperty("bootstrap.servers", brokers);
        props.setProperty("strata.regimes", "us,eu");
        props.setProperty("application.id", "unreachable-it");
        props.setProperty("state.dir", LocalStackExtension.workDir().resolve("state-unreachable-it").toString());
        Path dir = LocalStackExtension.workDir().resolve("router-unreachable-" + System.nanoTime());

        try (RouterProcess router = RouterProcess.start(dir, props)) {
            assertThat(router.awaitExit(KafkaReachability.STARTUP_DEADLINE.plus(JVM_START_MARGIN)))
                    .as("the router's exit; its log:%n%s", router.log()).hasValue(ServiceExit.UNAVAILABLE);
            List<String> lines = router.log().lines().filter(l -> l.contains("no answer from Kafka")).toList();
            assertThat(lines).as("the router's log:%n%s", router.log()).hasSize(1);
            assertThat(lines.get(0)).contains("the router cannot start: no answer from Kafka at bootstrap.servers=" + brokers
                    + " within " + KafkaReachability.STARTUP_DEADLINE.toSeconds() + " s").contains("check that the brokers are up");
            assertThat(router.log()).as("no stack trace after the line").doesNotContain("\tat ");
        }
    }
}
