package dev.strata.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class DebeziumOverridesTest {

    private static Properties minimal() {
        Properties p = new Properties();
        p.setProperty(CaptureConfig.BOOTSTRAP_SERVERS, "kafka:9092");
        p.setProperty(CaptureConfig.DATABASE_NAME, "app");
        p.setProperty(CaptureConfig.DATABASE_USER, "strata_capture");
        p.setProperty(CaptureConfig.TABLES, "public.orders");
        return p;
    }

    private static CaptureConfig config(Properties p) {
        return CaptureConfig.from(p, Map.of(CaptureConfig.DATABASE_PASSWORD_ENV, "pw")::get);
    }

    @Test
    void anOverrideOfASettingTheBackupDependsOnIsRefusedWithTheReason() {
        Properties p = minimal();
        p.setProperty("debezium.tombstones.on.delete", "true");
        assertThatThrownBy(() -> config(p)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("capture config: debezium.tombstones.on.delete is refused: capture sets tombstones.on.delete=false because"
                        + " a DELETE is one event, not an event and a null-valued tombstone; remove the key");
        for (String key : new String[] {"provide.transaction.metadata", "decimal.handling.mode", "skipped.operations",
                "slot.drop.on.stop", "converters"}) {
            Properties one = minimal();
            one.setProperty("debezium." + key, "x");
            assertThatThrownBy(() -> config(one)).hasMessageContaining("debezium." + key + " is refused: capture sets " + key + "=");
        }
    }

    @Test
    void anOverrideOfASettingACaptureKeySetsNamesThatKeyAndNeverPrintsThePassword() {
        Properties p = minimal();
        p.setProperty("debezium.table.include.list", "public.*");
        p.setProperty("debezium.database.password", "hunter2");
        assertThatThrownBy(() -> config(p))
                .hasMessageContaining("debezium.table.include.list is refused: set strata.capture.tables instead")
                .hasMessageContaining("debezium.database.password is refused: set STRATA_CAPTURE_DATABASE_PASSWORD or database.password.file")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void filtersAndMasksThatLeaveDataOutAreRefused() {
        Properties p = minimal();
        p.setProperty("debezium.column.mask.with.4.chars", "public.orders.card");
        p.setProperty("debezium.transforms", "unwrap");
        assertThatThrownBy(() -> config(p)).hasMessageContaining("debezium.column.mask.with.4.chars is refused: masked values")
                .hasMessageContaining("debezium.transforms is refused");
    }

    @Test
    void otherDebeziumSettingsPassThrough() {
        Properties p = minimal();
        p.setProperty("debezium.slot.max.retries", "12");
        p.setProperty("debezium.snapshot.mode", "no_data");
        assertThat(DebeziumSettings.of(config(p))).containsEntry("slot.max.retries", "12").containsEntry("snapshot.mode", "no_data");
    }

    @Test
    void theRefusedValuesAreTheOnesDebeziumSettingsSetsAndEverySettingIsClassified() {
        Properties settings = DebeziumSettings.of(config(minimal()));
        DebeziumOverrides.NEEDED.forEach((key, needed) ->
                assertThat(settings.getProperty(key)).as("DebeziumSettings sets %s", key).isEqualTo(needed.value()));
        DebeziumOverrides.SET_BY.keySet().forEach(key -> assertThat(settings).as("DebeziumSettings sets %s", key).containsKey(key));
        Properties kafka = config(minimal()).kafkaClient();
        for (String key : settings.stringPropertyNames()) {
            assertThat(DebeziumOverrides.NEEDED.containsKey(key) || DebeziumOverrides.SET_BY.containsKey(key)
                    || DebeziumOverrides.OVERRIDABLE.contains(key) || kafka.containsKey(key))
                    .as("DebeziumSettings sets %s: add it to DebeziumOverrides, as needed (with the reason), set by a capture key,"
                            + " or overridable", key)
                    .isTrue();
        }
    }
}
