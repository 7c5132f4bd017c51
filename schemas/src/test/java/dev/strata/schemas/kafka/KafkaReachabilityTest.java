package dev.strata.schemas.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.local.FreePorts;
import dev.strata.schemas.ops.StopSignal;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;

/** A closed port stands for a cluster that is down: both ways in say so by name, within their deadline. */
class KafkaReachabilityTest {
    private static final Duration SHORT = Duration.ofSeconds(2);

    @Test
    void theStartupDeadlineLeavesTheVerdictWithinThirtySeconds() {
        assertThat(KafkaReachability.STARTUP_DEADLINE).isLessThanOrEqualTo(Duration.ofSeconds(25));
    }

    @Test
    void noBrokerOnThePortIsUnavailabilityNamingTheSettingAndTheFix() {
        Properties client = closedPort();

        assertThatThrownBy(() -> KafkaReachability.require(client, "the test", SHORT))
                .isInstanceOf(KafkaUnavailableException.class)
                .hasMessageStartingWith("the test cannot start: no answer from Kafka at bootstrap.servers="
                        + client.getProperty("bootstrap.servers") + " within 2 s")
                .hasMessageContaining("check that the brokers are up")
                .hasMessageNotContaining("\n");
    }

    @Test
    void aCompactedTopicReadFromNoBrokerIsUnavailabilityNamingTheTopic() {
        Properties client = closedPort();

        assertThatThrownBy(() -> CompactedTopic.read(client, Topics.WATERMARKS, SHORT, new StopSignal()))
                .isInstanceOf(KafkaUnavailableException.class)
                .hasMessageStartingWith("cannot read " + Topics.WATERMARKS + ": no answer from Kafka at bootstrap.servers="
                        + client.getProperty("bootstrap.servers"));
    }

    @Test
    void retriableErrorsAreUnavailabilityButAMissingTopicOrARefusalIsNot() {
        assertThat(KafkaReachability.isUnavailability(new TimeoutException("t"))).isTrue();
        assertThat(KafkaReachability.isUnavailability(new NetworkException("n"))).isTrue();
        assertThat(KafkaReachability.isUnavailability(new UnknownTopicOrPartitionException("u"))).isFalse();
        assertThat(KafkaReachability.isUnavailability(new TopicAuthorizationException("a"))).isFalse();
        assertThat(KafkaReachability.isUnavailability(new IllegalStateException("i"))).isFalse();
    }

    private static Properties closedPort() {
        Properties client = new Properties();
        client.setProperty("bootstrap.servers", "127.0.0.1:" + FreePorts.next());
        return client;
    }
}
