package dev.strata.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.local.FreePorts;
import dev.strata.local.LocalObjectStores;
import dev.strata.local.LocalRegion;
import dev.strata.local.LocalStackExtension;
import dev.strata.local.StoreRole;
import dev.strata.schemas.kafka.KafkaReachability;
import dev.strata.schemas.ops.ServiceExit;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A sink whose stores are fine but whose Kafka is not there (a loopback port nobody listens on)
 * says so in one line naming bootstrap.servers, once its start-up deadline has passed, and exits 4.
 */
@ExtendWith(LocalStackExtension.class)
class SinkKafkaUnreachableIT {
    /** Only a guard against a hang: the sink's own deadline is what the assertions name. */
    private static final Duration JVM_START_MARGIN = Duration.ofSeconds(60);

    @Test
    void exitsUnavailableWithOneLineNamingBootstrapServers(LocalObjectStores stores) throws Exception {
        String brokers = "127.0.0.1:" + FreePorts.next();
        Properties props = properties(stores, brokers, "unreachable-main");
        Path dir = LocalStackExtension.workDir().resolve("sink-unreachable-" + System.nanoTime());

        try (SinkProcess sink = SinkProcess.start(dir, props)) {
            assertThat(sink.awaitExit(KafkaReachability.STARTUP_DEADLINE.plus(JVM_START_MARGIN)))
                    .as("the sink's exit; its log:%n%s", sink.logTail()).hasValue(ServiceExit.UNAVAILABLE);
            List<String> lines = sink.log().lines().filter(l -> l.contains("no answer from Kafka")).toList();
            assertThat(lines).as("the sink's log:%n%s", sink.log()).hasSize(1);
            assertThat(lines.get(0)).contains("the sink of regime eu cannot start: no answer from Kafka at bootstrap.servers=" + brokers
                    + " within " + KafkaReachability.STARTUP_DEADLINE.toSeconds() + " s").contains("check that the brokers are up");
            assertThat(sink.log()).as("no stack trace after the line").doesNotContain("\tat ");
        }
    }

    private static Properties properties(LocalObjectStores stores, String brokers, String buckets) {
        Properties p = new Properties();
        // the documented keys, as an operator writes them
        p.setProperty("bootstrap.servers", brokers);
        p.setProperty("strata.regime", "eu");
        region(p, "primary", stores.primary(), buckets + "-primary");
        region(p, "backup", stores.backup(), buckets + "-backup");
        p.setProperty("strata.regime.eu.kek.file", stores.kekFile("eu").toString());
        return p;
    }

    private static void region(Properties p, String role, LocalRegion region, String bucket) {
        region.createLockedBucket(bucket);
        String prefix = "strata.regime.eu." + role + ".";
        p.setProperty(prefix + "endpoint", region.endpoint().toString());
        p.setProperty(prefix + "bucket", bucket);
        p.setProperty(prefix + "region", region.signingRegion());
        p.setProperty(prefix + "credentials.file", region.credentialsFile(StoreRole.WRITER).toString());
    }
}
