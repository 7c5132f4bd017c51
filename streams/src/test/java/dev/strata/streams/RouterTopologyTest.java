package dev.strata.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.schemas.kafka.DeadLetterHeaders;
import dev.strata.schemas.kafka.DeadLetterReason;
import dev.strata.schemas.kafka.PlacementValue;
import dev.strata.schemas.kafka.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RouterTopologyTest {
    private static final Instant START = Instant.parse("2026-11-21T10:00:00Z");

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> changes;
    private TestInputTopic<String, String> placements;
    private TestOutputTopic<byte[], byte[]> us;
    private TestOutputTopic<byte[], byte[]> eu;
    private TestOutputTopic<byte[], byte[]> deadLetters;

    @BeforeEach
    void startDriver() {
        Properties props = new Properties();
        props.setProperty(RouterConfig.BOOTSTRAP_SERVERS, "unused:9092");
        props.setProperty(RouterConfig.REGIMES, "us,eu");
        RouterConfig config = RouterConfig.from(props);
        driver = new TopologyTestDriver(RouterTopology.build(config, registry), config.streamsProperties(), START);
        changes = driver.createInputTopic(Topics.CHANGES, new ByteArraySerializer(), new ByteArraySerializer(), START, Duration.ofMillis(1));
        placements = driver.createInputTopic(Topics.TENANTS, new StringSerializer(), new StringSerializer());
        us = output(Topics.routed("us"));
        eu = output(Topics.routed("eu"));
        deadLetters = output(Topics.DEAD_LETTERS);
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    @Test
    void shouldRouteAPlacedTenantToItsRegimeWithTheBytesUnchanged() {
        placements.pipeInput("acme", "eu");
        byte[] change = TestChanges.insert("acme", 100);

        changes.pipeInput(TestChanges.key("acme"), change);

        TestRecord<byte[], byte[]> routed = eu.readRecord();
        assertThat(routed.value()).isEqualTo(change);
        assertThat(routed.key()).isEqualTo(TestChanges.key("acme"));
        assertThat(us.isEmpty()).isTrue();
        assertThat(deadLetters.isEmpty()).isTrue();
        assertThat(registry.counter(RouterMetrics.ROUTED, "regime", "eu").count()).isEqualTo(1.0);
    }

    @Test
    void shouldKeepEachTenantsOrderWithinItsRegime() {
        placements.pipeInput("acme", "us");
        placements.pipeInput("globex", "eu");
        List<byte[]> acme = List.of(TestChanges.insert("acme", 1), TestChanges.insert("acme", 2), TestChanges.insert("acme", 3));
        List<byte[]> globex = List.of(TestChanges.insert("globex", 4), TestChanges.insert("globex", 5));

        changes.pipeInput(TestChanges.key("acme"), acme.get(0));
        changes.pipeInput(TestChanges.key("globex"), globex.get(0));
        changes.pipeInput(TestChanges.key("acme"), acme.get(1));
        changes.pipeInput(TestChanges.key("globex"), globex.get(1));
        changes.pipeInput(TestChanges.key("acme"), acme.get(2));

        assertThat(us.readValuesToList()).containsExactlyElementsOf(acme);
        assertThat(eu.readValuesToList()).containsExactlyElementsOf(globex);
    }

    @Test
    void shouldParkAnUnplacedTenantWithReasonSourceAndTime() {
        byte[] change = TestChanges.insert("initech", 7);
        driver.advanceWallClockTime(Duration.ofSeconds(42));

        changes.pipeInput(TestChanges.key("initech"), change);

        TestRecord<byte[], byte[]> parked = deadLetters.readRecord();
        assertThat(parked.value()).isEqualTo(change);
        assertThat(parked.key()).isEqualTo(TestChanges.key("initech"));
        Headers headers = parked.headers();
        assertThat(header(headers, DeadLetterHeaders.REASON)).isEqualTo("UNPLACED");
        assertThat(header(headers, DeadLetterHeaders.TENANT)).isEqualTo("initech");
        assertThat(header(headers, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(Topics.CHANGES);
        assertThat(header(headers, DeadLetterHeaders.SOURCE_PARTITION)).isEqualTo("0");
        assertThat(header(headers, DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("0");
        assertThat(header(headers, DeadLetterHeaders.PARKED_AT_MILLIS))
                .isEqualTo(Long.toString(START.plusSeconds(42).toEpochMilli()));
        assertThat(header(headers, DeadLetterHeaders.DETAIL)).contains("tenants put initech");
        assertThat(us.isEmpty() && eu.isEmpty()).isTrue();
        assertThat(registry.counter(RouterMetrics.DEAD_LETTERS, "reason", "UNPLACED").count()).isEqualTo(1.0);
    }

    @Test
    void shouldParkATenantPlacedInARegimeThisRouterDoesNotServe() {
        placements.pipeInput("umbrella", "apac");

        changes.pipeInput(TestChanges.key("umbrella"), TestChanges.insert("umbrella", 9));

        TestRecord<byte[], byte[]> parked = deadLetters.readRecord();
        assertThat(header(parked.headers(), DeadLetterHeaders.REASON)).isEqualTo("UNKNOWN_REGIME");
        assertThat(header(parked.headers(), DeadLetterHeaders.DETAIL)).contains("'apac'");
        assertThat(registry.counter(RouterMetrics.DEAD_LETTERS, "reason", "UNKNOWN_REGIME").count()).isEqualTo(1.0);
    }

    @Test
    void shouldParkUndecodableBytesAndKeepGoing() {
        placements.pipeInput("acme", "us");
        byte[] garbage = "not an avro event".getBytes(StandardCharsets.UTF_8);
        byte[] good = TestChanges.insert("acme", 11);

        changes.pipeInput(TestChanges.key("acme"), garbage);
        changes.pipeInput(TestChanges.key("acme"), (byte[]) null);
        changes.pipeInput(TestChanges.key("acme"), good);

        List<TestRecord<byte[], byte[]>> parked = deadLetters.readRecordsToList();
        assertThat(parked).hasSize(2);
        assertThat(parked.get(0).value()).isEqualTo(garbage);
        assertThat(header(parked.get(0).headers(), DeadLetterHeaders.REASON)).isEqualTo(DeadLetterReason.DECODE_ERROR.name());
        assertThat(header(parked.get(0).headers(), DeadLetterHeaders.DETAIL)).contains("NOT_SINGLE_OBJECT_ENCODED");
        assertThat(header(parked.get(1).headers(), DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("1");
        assertThat(us.readValuesToList()).containsExactly(good);
        assertThat(registry.counter(RouterMetrics.DEAD_LETTERS, "reason", "DECODE_ERROR").count()).isEqualTo(2.0);
    }

    @Test
    void shouldRouteATenantOnceItIsPlacedMidStream() {
        changes.pipeInput(TestChanges.key("hooli"), TestChanges.insert("hooli", 20));
        placements.pipeInput("hooli", "eu");
        changes.pipeInput(TestChanges.key("hooli"), TestChanges.insert("hooli", 21));

        assertThat(header(deadLetters.readRecord().headers(), DeadLetterHeaders.REASON)).isEqualTo("UNPLACED");
        assertThat(eu.readValuesToList()).containsExactly(TestChanges.insert("hooli", 21));
        assertThat(us.isEmpty()).isTrue();
    }

    @Test
    void shouldRouteAHeartbeatBehindItsTenantsChangesAndCountItApart() {
        placements.pipeInput("acme", "eu");
        changes.pipeInput(TestChanges.key("acme"), TestChanges.insert("acme", 30));
        changes.pipeInput(TestChanges.key("acme"), TestChanges.heartbeat("acme", 31));
        changes.pipeInput(TestChanges.key("acme"), TestChanges.insert("acme", 32));

        assertThat(eu.readValuesToList()).containsExactly(TestChanges.insert("acme", 30), TestChanges.heartbeat("acme", 31),
                TestChanges.insert("acme", 32));
        assertThat(registry.counter(RouterMetrics.HEARTBEATS_ROUTED, "regime", "eu").count()).isEqualTo(1.0);
        assertThat(registry.counter(RouterMetrics.ROUTED, "regime", "eu").count()).as("changes only").isEqualTo(2.0);
    }

    @Test
    void shouldDropAndCountAHeartbeatOfATenantThatIsNotPlacedHereNeverParkIt() {
        placements.pipeInput("wayne", "apac");
        changes.pipeInput(TestChanges.key("hooli"), TestChanges.heartbeat("hooli", 40));
        changes.pipeInput(TestChanges.key("wayne"), TestChanges.heartbeat("wayne", 41));

        assertThat(deadLetters.isEmpty()).as("a heartbeat carries no data: nothing to park or redrive").isTrue();
        assertThat(eu.isEmpty()).isTrue();
        assertThat(us.isEmpty()).isTrue();
        assertThat(registry.counter(RouterMetrics.HEARTBEATS_DROPPED, "reason", "UNPLACED").count()).isEqualTo(1.0);
        assertThat(registry.counter(RouterMetrics.HEARTBEATS_DROPPED, "reason", "UNKNOWN_REGIME").count()).isEqualTo(1.0);
        assertThat(registry.counter(RouterMetrics.DEAD_LETTERS, "reason", "UNPLACED").count()).isZero();

        placements.pipeInput("hooli", "us");
        changes.pipeInput(TestChanges.key("hooli"), TestChanges.heartbeat("hooli", 42));
        assertThat(us.readValuesToList()).as("placed now: routed").containsExactly(TestChanges.heartbeat("hooli", 42));
    }

    @Test
    void shouldParkEveryRecordOfAMovingTenantHeartbeatsIncludedThenRouteToTheNewRegime() {
        placements.pipeInput("acme", "us");
        changes.pipeInput(TestChanges.key("acme"), TestChanges.insert("acme", 50));
        placements.pipeInput("acme", PlacementValue.moving("us", "eu").format());
        changes.pipeInput(TestChanges.key("acme"), TestChanges.insert("acme", 51));
        changes.pipeInput(TestChanges.key("acme"), TestChanges.heartbeat("acme", 52));
        placements.pipeInput("acme", "eu");
        changes.pipeInput(TestChanges.key("acme"), TestChanges.insert("acme", 53));

        assertThat(us.readValuesToList()).as("before the move only").containsExactly(TestChanges.insert("acme", 50));
        var parked = deadLetters.readRecordsToList();
        assertThat(parked).extracting(r -> r.value()).containsExactly(TestChanges.insert("acme", 51), TestChanges.heartbeat("acme", 52));
        assertThat(parked).allSatisfy(r -> {
            assertThat(header(r.headers(), DeadLetterHeaders.REASON)).isEqualTo("MOVING");
            assertThat(header(r.headers(), DeadLetterHeaders.DETAIL)).contains("moved from regime us to eu");
        });
        assertThat(eu.readValuesToList()).as("after the move").containsExactly(TestChanges.insert("acme", 53));
        assertThat(registry.counter(RouterMetrics.DEAD_LETTERS, "reason", "MOVING").count()).isEqualTo(2.0);
    }

    private TestOutputTopic<byte[], byte[]> output(String topic) {
        return driver.createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static String header(Headers headers, String name) {
        return new String(headers.lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
