package dev.strata.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class SinkConfigTest {

    static Properties valid() {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", "127.0.0.1:9092");
        p.setProperty(SinkConfig.REGIME, "eu");
        region(p, "eu", "primary", "http://127.0.0.1:8000", "strata-eu-primary", "eu-west-1");
        region(p, "eu", "backup", "http://127.0.0.1:8001", "strata-eu-backup", "eu-central-1");
        p.setProperty("strata.regime.eu.primary.credentials.file", "/etc/strata/eu-primary-writer.properties");
        p.setProperty("strata.regime.eu.backup.credentials.file", "/etc/strata/eu-backup-writer.properties");
        p.setProperty("strata.regime.eu.kek.file", "/etc/strata/eu-kek");
        return p;
    }

    static void region(Properties p, String regime, String role, String endpoint, String bucket, String signing) {
        p.setProperty("strata.regime." + regime + "." + role + ".endpoint", endpoint);
        p.setProperty("strata.regime." + regime + "." + role + ".bucket", bucket);
        p.setProperty("strata.regime." + regime + "." + role + ".region", signing);
    }

    @Test
    void readsTheOwnRegimeWithDefaults() {
        SinkConfig config = SinkConfig.from(valid());
        assertThat(config.regime()).isEqualTo("eu");
        assertThat(config.routedTopic()).isEqualTo("strata.routed.eu");
        assertThat(config.primary().location().bucket()).isEqualTo("strata-eu-primary");
        assertThat(config.backup().location().signingRegion()).isEqualTo("eu-central-1");
        assertThat(config.tuning().flushInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.tuning().segmentMaxBytes()).isEqualTo(8L * 1024 * 1024);
        assertThat(config.allowUnlockedBuckets()).isFalse();
        assertThat(config.kafka().groupId()).isEqualTo("strata-sink-eu");
    }

    @Test
    void listsTheLogForABaseFromOneSegmentSpanBeforeTheLastCutAndNeverLess() {
        assertThat(SinkConfig.from(valid()).bases().maxSegmentSpan()).isEqualTo(Duration.ofHours(1));
        Properties p = valid();
        p.setProperty(SinkConfig.BASE_MAX_SEGMENT_SPAN_MS, "60000");
        assertThatThrownBy(() -> SinkConfig.from(p)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(SinkConfig.BASE_MAX_SEGMENT_SPAN_MS).hasMessageContaining("raise it");
    }

    @Test
    void refusesARetentionWindowShorterThanTheBaseInterval() {
        assertThat(SinkConfig.from(valid()).retention().policy("eu", dev.strata.schemas.TenantId.of("acme")).window())
                .isEqualTo(Duration.ofDays(7));
        Properties p = valid();
        p.setProperty(dev.strata.schemas.retention.RetentionKeys.TENANTS, "acme:window.ms=3600000");
        assertThatThrownBy(() -> SinkConfig.from(p)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("sink config: a retention window of 3600000 ms")
                .hasMessageContaining("shorter than the base interval strata.base.max.age.ms=86400000");
        Properties bad = valid();
        bad.setProperty(dev.strata.schemas.retention.RetentionKeys.TENANTS, "acme:weekly");
        assertThatThrownBy(() -> SinkConfig.from(bad)).hasMessageStartingWith("sink config: strata.retention.tenants: entry 'acme:weekly'");
    }

    @Test
    void forcesReadCommittedAndManualCommitsWhateverTheFileSays() {
        Properties p = valid();
        p.setProperty("enable.auto.commit", "true");
        p.setProperty("consumer.isolation.level", "read_uncommitted");
        p.setProperty("producer.acks", "1");
        SinkConfig config = SinkConfig.from(p);
        assertThat(config.kafka().consumer().getProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG)).isEqualTo("read_committed");
        assertThat(config.kafka().consumer().getProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG)).isEqualTo("false");
        assertThat(config.kafka().producer().getProperty(ProducerConfig.ACKS_CONFIG)).isEqualTo("all");
    }

    @Test
    void refusesABackupInThePrimarysPlace() {
        Properties p = valid();
        region(p, "eu", "backup", "http://127.0.0.1:8000/", "strata-eu-backup", "eu-west-1");
        assertThatThrownBy(() -> SinkConfig.from(p)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("primary and backup are the same place")
                .hasMessageContaining("strata.regime.eu.backup.endpoint");

        Properties sameBucket = valid();
        region(sameBucket, "eu", "backup", "http://127.0.0.1:8000", "strata-eu-primary", "eu-central-1");
        assertThatThrownBy(() -> SinkConfig.from(sameBucket)).hasMessageContaining("same place");
    }

    @Test
    void refusesTwoRegimesSharingABucket() {
        Properties p = valid();
        region(p, "us", "primary", "http://10.0.0.1:8000", "strata-us-primary", "us-east-1");
        region(p, "us", "backup", "http://10.0.0.2:8000", "strata-eu-backup", "us-west-2");
        assertThatThrownBy(() -> SinkConfig.from(p)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bucket 'strata-eu-backup' is used by both")
                .hasMessageContaining("regime eu").hasMessageContaining("regime us");
    }

    @Test
    void acceptsOtherRegimesWithTheirOwnBucketsButNeverTheirKeys() {
        Properties p = valid();
        region(p, "us", "primary", "http://10.0.0.1:8000", "strata-us-primary", "us-east-1");
        assertThat(SinkConfig.from(p).regime()).isEqualTo("eu");

        p.setProperty("strata.regime.us.primary.credentials.file", "/etc/strata/us-writer.properties");
        assertThatThrownBy(() -> SinkConfig.from(p)).hasMessageContaining("holds only its own regime's writer credentials")
                .hasMessageContaining("strata.regime.us.primary.credentials.file");
    }

    @Test
    void namesTheMissingKeyAndTheFix() {
        Properties p = valid();
        p.remove("strata.regime.eu.backup.bucket");
        assertThatThrownBy(() -> SinkConfig.from(p)).hasMessageContaining("strata.regime.eu.backup.bucket is missing");

        Properties noRegime = valid();
        noRegime.remove(SinkConfig.REGIME);
        assertThatThrownBy(() -> SinkConfig.from(noRegime)).hasMessageContaining("strata.regime is missing");

        Properties noKafka = valid();
        noKafka.remove("bootstrap.servers");
        assertThatThrownBy(() -> SinkConfig.from(noKafka)).hasMessageContaining("bootstrap.servers is missing");
    }

    @Test
    void refusesNumbersThatAreNotPositive() {
        Properties p = valid();
        p.setProperty(SinkConfig.FLUSH_INTERVAL_MS, "0");
        assertThatThrownBy(() -> SinkConfig.from(p)).hasMessageContaining(SinkConfig.FLUSH_INTERVAL_MS);

        Properties words = valid();
        words.setProperty(SinkConfig.SEGMENT_MAX_BYTES, "8MiB");
        assertThatThrownBy(() -> SinkConfig.from(words)).hasMessageContaining("not a whole number");
    }

    @Test
    void refusesAnEndpointWithCredentialsInIt() {
        Properties p = valid();
        p.setProperty("strata.regime.eu.primary.endpoint", "http://key:secret@127.0.0.1:8000");
        assertThatThrownBy(() -> SinkConfig.from(p)).hasMessageContaining("user info").hasMessageNotContaining("secret@");
    }

    @Test
    void showsNoKafkaSecretsWhenPrinted() {
        Properties p = valid();
        p.setProperty("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required password=\"hunter2\";");
        assertThat(SinkConfig.from(p).toString()).doesNotContain("hunter2").contains("strata-eu-primary");
    }

    @Test
    void takesTheTestOnlyUnlockedFlagOnlyWhenSet() {
        Properties p = valid();
        p.setProperty(SinkConfig.TEST_ALLOW_UNLOCKED_BUCKETS, "true");
        assertThat(SinkConfig.from(p).allowUnlockedBuckets()).isTrue();
    }
}
