package dev.strata.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class RouterConfigTest {

    @Test
    void shouldRequireRegimesAndNameTheFix() {
        Properties props = new Properties();
        props.setProperty(RouterConfig.BOOTSTRAP_SERVERS, "k:9092");
        assertThatThrownBy(() -> RouterConfig.from(props)).hasMessageContaining("strata.regimes=us,eu");
    }

    @Test
    void shouldRejectARegimeNameThatCannotBeATopicSuffix() {
        Properties props = new Properties();
        props.setProperty(RouterConfig.BOOTSTRAP_SERVERS, "k:9092");
        props.setProperty(RouterConfig.REGIMES, "us,EU West");
        assertThatThrownBy(() -> RouterConfig.from(props)).hasMessageContaining("'EU West'");
    }

    @Test
    void shouldSizeEveryStreamsClientAndTopicFromTheOneEventLimit() {
        Properties props = new Properties();
        props.setProperty(RouterConfig.BOOTSTRAP_SERVERS, "k:9092");
        props.setProperty(RouterConfig.REGIMES, "us");
        props.setProperty(RouterConfig.MAX_EVENT_BYTES, Integer.toString(4 * 1024 * 1024));
        RouterConfig config = RouterConfig.from(props);
        String record = Integer.toString(5 * 1024 * 1024);
        Properties streams = config.streamsProperties();
        assertThat(streams.getProperty("producer.max.request.size")).isEqualTo(record);
        assertThat(streams.getProperty("consumer.max.partition.fetch.bytes")).isEqualTo(record);
        assertThat(streams.getProperty("topic.max.message.bytes")).isEqualTo(record);
        assertThat(RouterTopics.required(config)).allSatisfy(topic -> {
            // the placements and the redrive positions hold a few small keys, never an event
            if (!topic.name().equals("strata.tenants") && !topic.name().equals("strata.dlq.redriven")) {
                assertThat(topic.configs()).as(topic.name()).containsEntry("max.message.bytes", record);
            }
        });
    }

    @Test
    void shouldForceExactlyOnceAndPassKafkaKeysThrough() {
        Properties props = new Properties();
        props.setProperty(RouterConfig.BOOTSTRAP_SERVERS, "k:9092");
        props.setProperty(RouterConfig.REGIMES, "us, eu");
        props.setProperty(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        props.setProperty("commit.interval.ms", "50");

        RouterConfig config = RouterConfig.from(props);

        assertThat(config.regimes()).containsExactlyInAnyOrder("us", "eu");
        Properties streams = config.streamsProperties();
        assertThat(streams.getProperty(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
        assertThat(streams.getProperty("commit.interval.ms")).isEqualTo("50");
        assertThat(streams.getProperty(RouterConfig.APPLICATION_ID)).isEqualTo(RouterConfig.APPLICATION_ID_DEFAULT);
        assertThat(streams).doesNotContainKey(RouterConfig.REGIMES);
    }
}
