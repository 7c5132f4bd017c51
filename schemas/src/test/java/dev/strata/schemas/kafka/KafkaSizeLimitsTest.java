package dev.strata.schemas.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Properties;
import org.junit.jupiter.api.Test;

/** One setting sizes every hop: producer, consumer and topic agree on the largest record. */
class KafkaSizeLimitsTest {
    private final KafkaSizeLimits limits = new KafkaSizeLimits(KafkaSizeLimits.MAX_EVENT_BYTES_DEFAULT);

    @Test
    void theDefaultHoldsA64MiBValueAndEveryLimitIsTheEventPlusItsEnvelope() {
        assertThat(limits.maxEventBytes()).isGreaterThan(64 * 1024 * 1024);
        int record = limits.recordBytes();
        assertThat(record).isEqualTo(KafkaSizeLimits.MAX_EVENT_BYTES_DEFAULT + KafkaSizeLimits.ENVELOPE_BYTES);
        // below the brokers' default socket.request.max.bytes (100 MiB): a produce request carrying it is read
        assertThat(record).isLessThan(100 * 1024 * 1024);

        Properties producer = limits.applyToProducer(new Properties());
        assertThat(producer.getProperty("max.request.size")).isEqualTo(Integer.toString(record));
        assertThat(Long.parseLong(producer.getProperty("buffer.memory"))).isEqualTo(2L * record);
        Properties consumer = limits.applyToConsumer(new Properties());
        assertThat(consumer.getProperty("max.partition.fetch.bytes")).isEqualTo(Integer.toString(record));
        assertThat(consumer.getProperty("fetch.max.bytes")).isEqualTo(Integer.toString(record));
        assertThat(limits.topicConfigs()).containsEntry("max.message.bytes", Integer.toString(record));
    }

    @Test
    void aSmallLimitNeverLowersKafkasOwnDefaultsNorALargerBuffer() {
        KafkaSizeLimits small = new KafkaSizeLimits(KafkaSizeLimits.MIN_EVENT_BYTES);
        Properties producer = new Properties();
        producer.setProperty("buffer.memory", Long.toString(256L * 1024 * 1024));
        assertThat(small.applyToProducer(producer).getProperty("buffer.memory")).isEqualTo(Long.toString(256L * 1024 * 1024));
        assertThat(small.applyToProducer(new Properties()).getProperty("buffer.memory")).isEqualTo(Long.toString(32L * 1024 * 1024));
        assertThat(small.applyToConsumer(new Properties()).getProperty("fetch.max.bytes")).isEqualTo(Integer.toString(50 * 1024 * 1024));
    }

    @Test
    void aLimitOutOfRangeIsRefusedNamingTheSetting() {
        assertThatThrownBy(() -> new KafkaSizeLimits(1000)).hasMessageContaining("strata.max.event.bytes=1000");
    }

    @Test
    void theRefusalHintNamesTheTopicItsLimitAndTheSetting() {
        assertThat(limits.refusalHint("strata.changes")).contains("--entity-name strata.changes")
                .contains("max.message.bytes=" + limits.recordBytes()).contains("strata.max.event.bytes");
    }
}
