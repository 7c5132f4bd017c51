package dev.strata.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class DebeziumSettingsTest {

    private static Properties settings(Map<String, String> extra) {
        Properties p = new Properties();
        p.setProperty(CaptureConfig.BOOTSTRAP_SERVERS, "kafka:9092");
        p.setProperty(CaptureConfig.DATABASE_NAME, "app");
        p.setProperty(CaptureConfig.DATABASE_USER, "strata_capture");
        p.setProperty(CaptureConfig.TABLES, "public.orders,app$x.t_1");
        p.putAll(extra);
        return DebeziumSettings.of(CaptureConfig.from(p, Map.of(CaptureConfig.DATABASE_PASSWORD_ENV, "pw")::get));
    }

    @Test
    void theSettingsThatKeepEveryChangeExactAreSet() {
        Properties dbz = settings(Map.of());
        assertThat(dbz).containsEntry("plugin.name", "pgoutput")
                .containsEntry("publication.autocreate.mode", "disabled")
                .containsEntry("signal.data.collection", CaptureConfig.SIGNAL_TABLE_DEFAULT)
                .containsEntry("signal.enabled.channels", "source")
                .containsEntry("provide.transaction.metadata", "true")
                .containsEntry("skipped.operations", "none")
                .containsEntry("tombstones.on.delete", "false")
                .containsEntry("decimal.handling.mode", "string")
                .containsEntry("time.precision.mode", "adaptive_time_microseconds")
                .containsEntry("interval.handling.mode", "string")
                .containsEntry("binary.handling.mode", "bytes")
                .containsEntry("converters", DebeziumSettings.TEXT_CONVERTER)
                .containsEntry("offset.storage", KafkaOffsetStore.class.getName())
                .containsEntry("offset.storage.topic", "strata.capture.offsets")
                .containsEntry("bootstrap.servers", "kafka:9092")
                .containsEntry("database.password", "pw")
                .containsEntry("heartbeat.interval.ms", "1000")
                .containsEntry("snapshot.locking.mode", "shared");
        assertThat(dbz.getProperty("table.include.list")).isEqualTo("public\\.orders,app\\$x\\.t_1");
    }

    @Test
    void debeziumOverridesComeLast() {
        assertThat(settings(Map.of("debezium.snapshot.mode", "never", "debezium.slot.max.retries", "12")))
                .containsEntry("snapshot.mode", "never").containsEntry("slot.max.retries", "12");
    }
}
