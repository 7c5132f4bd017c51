package dev.strata.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.schemas.config.ConfigReference;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class RouterConfigDefTest {

    @Test
    void theReadmeTableIsTheOneTheConfigDefGenerates() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        assertThat(ConfigReference.block(readme, RouterConfigDef.README_BLOCK))
                .as("README.md's router table differs from RouterConfigDef: run"
                        + " java -cp streams/target/classes:... dev.strata.streams.RouterConfigDef README.md")
                .isEqualTo(ConfigReference.markdown(RouterConfigDef.SPEC));
    }

    @Test
    void theProductionShapedFileLoads() throws IOException {
        RouterConfig config = RouterConfig.from(load(Path.of("..", "docker", "config", "router.properties")));
        assertThat(config.regimes()).containsExactlyInAnyOrder("us", "eu");
    }

    @Test
    void aMistypedKeyIsRefusedNamingTheKeyMeant() {
        Properties props = new Properties();
        props.setProperty(RouterConfig.BOOTSTRAP_SERVERS, "k:9092");
        props.setProperty(RouterConfig.REGIMES, "us");
        props.setProperty("strata.topcs.partitions", "3");
        assertThatThrownBy(() -> RouterConfig.from(props)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("router config: unknown key strata.topcs.partitions: did you mean strata.topics.partitions?");
    }

    @Test
    void throughputDefaultsMayBeOverriddenAndAreChecked() {
        Properties props = new Properties();
        props.setProperty(RouterConfig.BOOTSTRAP_SERVERS, "k:9092");
        props.setProperty(RouterConfig.REGIMES, "us");
        assertThat(RouterConfig.from(props).streamsProperties()).containsEntry("producer.linger.ms", "5")
                .containsEntry("producer.batch.size", "262144").containsEntry("consumer.max.poll.records", "2000");
        props.setProperty(RouterConfig.PRODUCER_LINGER_MS, "20");
        assertThat(RouterConfig.from(props).streamsProperties()).containsEntry("producer.linger.ms", "20");
        props.setProperty(RouterConfig.CONSUMER_MAX_POLL_RECORDS, "0");
        assertThatThrownBy(() -> RouterConfig.from(props)).hasMessageContaining("consumer.max.poll.records=0 is invalid: must be at least 1");
    }

    private static Properties load(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        }
        return properties;
    }
}
