package dev.strata.schemas.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.schemas.regime.RegimeSettings;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.junit.jupiter.api.Test;

class ConfigSpecTest {

    private static final ConfigSpec SPEC = ConfigSpec.builder("test config", "test/README.md")
            .group("Kafka")
            .required("bootstrap.servers", Type.STRING, null, "The Kafka brokers.", "kafka:9092")
            .group("Topics")
            .optional("strata.topics.partitions", Type.INT, 6, Validators.atLeast(1), "Partitions of the topics.")
            .optional("strata.topics.replication.factor", Type.INT, 3, Validators.between(1, Short.MAX_VALUE), "Their replication.")
            .optional("strata.flush.interval.ms", Type.LONG, 1_000L, Validators.atLeast(1), "Segment age.")
            .optional("strata.metrics.port", Type.INT, 0, Validators.port(), "Prometheus port.")
            .optional("strata.test.flag", Type.BOOLEAN, false, null, "A flag.")
            .optional("strata.regimes", Type.LIST, null, Validators.matches(Pattern.compile("[a-z]+"), "a regime name"), "Regimes.")
            .optional("strata.mode", Type.STRING, "a", Validators.oneOf("a", "b"), "A mode.")
            .regimeSettings(RegimeSettings.SETTINGS)
            .build();

    private static Properties props(String... keyValues) {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", "k:9092");
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return p;
    }

    @Test
    void anUnknownKeyNamesTheClosestKnownKey() {
        assertThatThrownBy(() -> SPEC.parse(props("strata.topcs.partitions", "3")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("test config: unknown key strata.topcs.partitions: did you mean strata.topics.partitions?");
        assertThatThrownBy(() -> SPEC.parse(props("strata.flush.intervall.ms", "3")))
                .hasMessageContaining("did you mean strata.flush.interval.ms?");
        assertThatThrownBy(() -> SPEC.parse(props("strata.metrics.prot", "1")))
                .hasMessageContaining("did you mean strata.metrics.port?");
    }

    @Test
    void aKeyFarFromEveryKnownKeyNamesTheNearestAndTheReference() {
        assertThatThrownBy(() -> SPEC.parse(props("strata.completely.different.thing", "x")))
                .hasMessageContaining("unknown key strata.completely.different.thing: no known key is close (the nearest is strata.")
                .hasMessageContaining("test/README.md");
    }

    @Test
    void keysOutsideStrataPassThroughUnchecked() {
        ParsedConfig config = SPEC.parse(props("linger.ms", "5", "sasl.jaas.config", "secret", "strata.topics.partitions", "3"));
        assertThat(config.passThrough()).containsOnlyKeys("bootstrap.servers", "linger.ms", "sasl.jaas.config");
        assertThat(config.passThrough().getProperty("linger.ms")).isEqualTo("5");
    }

    @Test
    void regionKeysMayCarryOnlyTheNamedSettings() {
        String prefix = "strata.regime.eu.primary.";
        ParsedConfig config = SPEC.parse(props(prefix + "endpoint", "http://x", prefix + "bucket", "b", prefix + "region", "r",
                prefix + "credentials.file", "/f", "strata.regime.eu.backup.bucket", "c"));
        assertThat(config.source().getProperty(prefix + "bucket")).isEqualTo("b");

        assertThatThrownBy(() -> SPEC.parse(props(prefix + "bukcet", "b")))
                .hasMessageContaining("unknown key strata.regime.eu.primary.bukcet: did you mean strata.regime.eu.primary.bucket?");
        assertThatThrownBy(() -> SPEC.parse(props("strata.regime.eu.primery.endpoint", "http://x")))
                .hasMessageContaining("did you mean strata.regime.eu.primary.endpoint?");
        assertThatThrownBy(() -> SPEC.parse(props(prefix + "drill.credentials.file", "/f")))
                .hasMessageContaining("did you mean strata.regime.eu.primary.credentials.file?");
        assertThatThrownBy(() -> SPEC.parse(props(prefix + "storage.class", "GLACIER")))
                .hasMessageContaining("unknown key " + prefix + "storage.class: a region is set by strata.regime.<regime>.<primary|backup>."
                        + "<setting> with the settings endpoint, bucket, region, credentials.file");
    }

    @Test
    void aServiceWithoutRegionsRefusesRegionKeys() {
        ConfigSpec noRegions = ConfigSpec.builder("router config", "README.md")
                .optional("strata.regimes", Type.LIST, null, null, "Regimes.").build();
        assertThatThrownBy(() -> noRegions.parse(props("strata.regime.eu.primary.bucket", "b")))
                .hasMessageContaining("unknown key strata.regime.eu.primary.bucket");
    }

    @Test
    void valuesAreTypedWithDefaults() {
        ParsedConfig defaults = SPEC.parse(props());
        assertThat(defaults.intValue("strata.topics.partitions")).isEqualTo(6);
        assertThat(defaults.millis("strata.flush.interval.ms")).isEqualTo(Duration.ofSeconds(1));
        assertThat(defaults.bool("strata.test.flag")).isFalse();
        assertThat(defaults.list("strata.regimes")).isNull();
        assertThat(defaults.isSet("strata.topics.partitions")).isFalse();

        ParsedConfig set = SPEC.parse(props("strata.topics.partitions", " 12 ", "strata.regimes", "us, eu", "strata.test.flag", "TRUE",
                "strata.flush.interval.ms", ""));
        assertThat(set.intValue("strata.topics.partitions")).isEqualTo(12);
        assertThat(set.list("strata.regimes")).containsExactly("us", "eu");
        assertThat(set.bool("strata.test.flag")).isTrue();
        assertThat(set.longValue("strata.flush.interval.ms")).as("blank keeps the default").isEqualTo(1_000L);
    }

    @Test
    void aValueOfTheWrongTypeOrOutOfRangeNamesTheKeyAndWhatIsAllowed() {
        assertThatThrownBy(() -> SPEC.parse(props("strata.topics.partitions", "many")))
                .hasMessage("test config: strata.topics.partitions=many is not a whole number (default 6)");
        assertThatThrownBy(() -> SPEC.parse(props("strata.flush.interval.ms", "0")))
                .hasMessage("test config: strata.flush.interval.ms=0 is invalid: must be at least 1 (default 1000)");
        assertThatThrownBy(() -> SPEC.parse(props("strata.topics.replication.factor", "40000")))
                .hasMessageContaining("strata.topics.replication.factor=40000 is invalid: must be from 1 to 32767");
        assertThatThrownBy(() -> SPEC.parse(props("strata.metrics.port", "-1"))).hasMessageContaining("or 0 for off");
        assertThatThrownBy(() -> SPEC.parse(props("strata.test.flag", "yes"))).hasMessageContaining("strata.test.flag=yes is not true or false");
        assertThatThrownBy(() -> SPEC.parse(props("strata.mode", "c"))).hasMessageContaining("must be one of a, b");
        assertThatThrownBy(() -> SPEC.parse(props("strata.regimes", "us,EU"))).hasMessageContaining("'EU' is not a regime name");
    }

    @Test
    void aMissingRequiredKeyIsNamedWithAnExampleAndEveryProblemIsReportedAtOnce() {
        Properties p = props("strata.topcs.partitions", "3", "strata.metrics.port", "http");
        p.remove("bootstrap.servers");
        assertThatThrownBy(() -> SPEC.parse(p))
                .hasMessageContaining("bootstrap.servers is missing: set it, for example bootstrap.servers=kafka:9092. The Kafka brokers.")
                .hasMessageContaining("did you mean strata.topics.partitions?")
                .hasMessageContaining("strata.metrics.port=http is not a whole number");
    }

    @Test
    void aKeyRequiredOnlyForSomeUsesIsRefusedWhenAskedFor() {
        ConfigSpec spec = ConfigSpec.builder("config", "README.md")
                .optional("strata.drill.postgres.url", Type.STRING, null, null, "Required for drills.")
                .example("strata.drill.postgres.url", "jdbc:postgresql://h/postgres").build();
        ParsedConfig config = spec.parse(new Properties());
        assertThat(config.string("strata.drill.postgres.url")).isNull();
        assertThat(config.isSet("strata.drill.postgres.url")).isFalse();
        assertThat(spec.missing("strata.drill.postgres.url"))
                .hasMessage("config: strata.drill.postgres.url is missing: set it, for example"
                        + " strata.drill.postgres.url=jdbc:postgresql://h/postgres. Required for drills.");
    }

    @Test
    void askingForAnUndefinedKeyIsAProgrammingError() {
        ParsedConfig config = SPEC.parse(props());
        assertThatThrownBy(() -> config.intValue("strata.nope")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> config.intValue("strata.flush.interval.ms")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closestKeyPrefersTheSmallestEditAndIsIndependentOfOrder() {
        assertThat(KeySuggestions.closest("strata.topics.partitons", List.of("strata.topics.replication.factor", "strata.topics.partitions")))
                .contains("strata.topics.partitions");
        assertThat(KeySuggestions.distance("abcd", "abdc")).isEqualTo(1);
        assertThat(KeySuggestions.closest("ab", List.of("b", "a"))).contains("a");
        assertThat(KeySuggestions.closest("x", List.of())).isEmpty();
        assertThat(KeySuggestions.isLikely("strata.foo", "strata.completely.other")).isFalse();
    }
}
