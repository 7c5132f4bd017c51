package dev.strata.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptureConfigTest {

    private static Properties minimal() {
        Properties p = new Properties();
        p.setProperty(CaptureConfig.BOOTSTRAP_SERVERS, "kafka:9092");
        p.setProperty(CaptureConfig.DATABASE_NAME, "app");
        p.setProperty(CaptureConfig.DATABASE_USER, "strata_capture");
        p.setProperty(CaptureConfig.TABLES, "public.orders, public.customers");
        return p;
    }

    private static CaptureConfig config(Properties p) {
        return CaptureConfig.from(p, variable -> null);
    }

    @Test
    void theExampleFileIsTheReferenceTheConfigDefGeneratesAndLoads() throws Exception {
        Path example = Path.of("capture.properties");
        assertThat(Files.readString(example))
                .as("capture/capture.properties differs from CaptureConfigDef: run"
                        + " java -cp capture/target/strata-capture-*.jar dev.strata.capture.CaptureConfigDef capture/capture.properties")
                .isEqualTo(CaptureConfigDef.reference());
        CaptureConfig loaded = CaptureConfig.from(loadProperties(example), variable -> null);
        assertThat(loaded.tables()).containsExactly("public.orders", "public.customers");
    }

    @Test
    void everyKeyConstantIsDefinedInTheConfigDef() throws Exception {
        for (java.lang.reflect.Field field : CaptureConfig.class.getFields()) {
            String name = field.getName();
            if (field.getType() == String.class && !name.endsWith("_DEFAULT") && !name.endsWith("_PREFIX") && !name.endsWith("_ENV")) {
                assertThat(CaptureConfigDef.SPEC.definition().names()).as("CaptureConfigDef defines %s", name)
                        .contains((String) field.get(null));
            }
        }
        assertThat(CaptureConfigDef.reference()).contains(CaptureConfig.DATABASE_PASSWORD_ENV);
    }

    @Test
    void theProductionShapedFileUsesOnlyKnownKeys() throws Exception {
        // its password file exists only in the container, so the keys are checked, not the whole config
        Properties production = loadProperties(Path.of("..", "docker", "config", "capture.properties"));
        assertThat(CaptureConfigDef.SPEC.parse(production).string(CaptureConfig.DATABASE_HOST)).isEqualTo("postgres");
    }

    @Test
    void aMistypedKeyIsRefusedNamingTheKeyMeant() {
        Properties p = minimal();
        p.setProperty("strata.capture.heartbeat.intervall.ms", "500");
        assertThatThrownBy(() -> config(p)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("capture config: unknown key strata.capture.heartbeat.intervall.ms:"
                        + " did you mean strata.capture.heartbeat.interval.ms?");
        Properties regime = minimal();
        regime.setProperty("strata.regime.eu.primary.bucket", "b");
        assertThatThrownBy(() -> config(regime)).hasMessageContaining("unknown key strata.regime.eu.primary.bucket");
    }

    @Test
    void emptyTableEntriesAreSkippedButNoTableAtAllIsMissing() {
        Properties p = minimal();
        p.setProperty(CaptureConfig.TABLES, "public.orders,, public.orders,");
        assertThat(config(p).tables()).containsExactly("public.orders");
        p.setProperty(CaptureConfig.TABLES, " , ");
        assertThatThrownBy(() -> config(p)).hasMessageContaining(CaptureConfig.TABLES + " is missing");
    }

    @Test
    void tablePatternsAreEntriesAndAMalformedOneIsRefusedNamingTheKey() {
        Properties p = minimal();
        p.setProperty(CaptureConfig.TABLES, "public.*, tenant_.*\\.orders");
        p.setProperty(CaptureConfig.SHARED_TABLES, "public.countries=global");
        CaptureConfig config = config(p);
        assertThat(config.tables()).containsExactly("public.*", "tenant_.*\\.orders");
        assertThat(config.tableSelection().matches("tenant_acme.orders")).isTrue();
        assertThat(config.sharedTables()).containsEntry("public.countries", "global");
        assertThat(config.signalTable()).isEqualTo(CaptureConfig.SIGNAL_TABLE_DEFAULT);
        p.setProperty(CaptureConfig.TABLES, "orders");
        assertThatThrownBy(() -> config(p)).hasMessageContaining(CaptureConfig.TABLES + ": 'orders' is not schema.table");
    }

    private static Properties loadProperties(Path file) throws java.io.IOException {
        Properties properties = new Properties();
        try (java.io.Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        }
        return properties;
    }

    @Test
    void defaultsStandBesideTheKeys() {
        CaptureConfig config = config(minimal());
        assertThat(config.tables()).containsExactly("public.orders", "public.customers");
        assertThat(config.name()).isEqualTo(CaptureConfig.NAME_DEFAULT);
        assertThat(config.tenantColumn()).isEqualTo("tenant_id");
        assertThat(config.tenantSchemaPattern()).isNull();
        assertThat(config.offsetsTopic()).isEqualTo("strata.capture.offsets");
        assertThat(config.metricsPort()).isZero();
        assertThat(config.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5432/app");
    }

    @Test
    void eachRequiredKeyIsNamedWithAnExample() {
        for (String key : new String[] {CaptureConfig.BOOTSTRAP_SERVERS, CaptureConfig.DATABASE_NAME, CaptureConfig.DATABASE_USER,
                CaptureConfig.TABLES}) {
            Properties p = minimal();
            p.remove(key);
            assertThatThrownBy(() -> config(p)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(key + " is missing").hasMessageContaining("for example");
        }
    }

    @Test
    void badValuesAreRefusedWithTheFix() {
        Properties table = minimal();
        table.setProperty(CaptureConfig.TABLES, "orders");
        assertThatThrownBy(() -> config(table)).hasMessageContaining("'orders'").hasMessageContaining("schema.table");
        Properties pattern = minimal();
        pattern.setProperty(CaptureConfig.TENANT_SCHEMA_PATTERN, "tenant_(");
        assertThatThrownBy(() -> config(pattern)).hasMessageContaining("not a regular expression");
        Properties shared = minimal();
        shared.setProperty(CaptureConfig.SHARED_TABLES, "public.countries=global");
        assertThatThrownBy(() -> config(shared)).hasMessageContaining("public.countries, which is not in " + CaptureConfig.TABLES);
        Properties badTenant = minimal();
        badTenant.setProperty(CaptureConfig.SHARED_TABLES, "public.orders=no way");
        assertThatThrownBy(() -> config(badTenant)).hasMessageContaining("valid tenant id");
        Properties number = minimal();
        number.setProperty(CaptureConfig.HEARTBEAT_INTERVAL_MS, "soon");
        assertThatThrownBy(() -> config(number)).hasMessageContaining(CaptureConfig.HEARTBEAT_INTERVAL_MS + "=soon is not a whole number");
        Properties queue = minimal();
        queue.setProperty(CaptureConfig.QUEUE_SIZE, "100");
        assertThatThrownBy(() -> config(queue)).hasMessageContaining("must be larger than " + CaptureConfig.BATCH_SIZE);
        Properties slot = minimal();
        slot.setProperty(CaptureConfig.SLOT, "Bad-Slot");
        assertThatThrownBy(() -> config(slot)).hasMessageContaining(CaptureConfig.SLOT + "=Bad-Slot is invalid");
    }

    @Test
    void thePasswordComesFromTheEnvironmentOrAFileAndIsNeverPrinted(@TempDir Path dir) throws Exception {
        Properties inline = minimal();
        inline.setProperty("database.password", "hunter2");
        assertThatThrownBy(() -> config(inline)).hasMessageContaining(CaptureConfig.DATABASE_PASSWORD_ENV).hasMessageNotContaining("hunter2");

        CaptureConfig fromEnv = CaptureConfig.from(minimal(), Map.of(CaptureConfig.DATABASE_PASSWORD_ENV, "hunter2")::get);
        assertThat(fromEnv.databasePassword()).isEqualTo("hunter2");
        assertThat(fromEnv.toString()).doesNotContain("hunter2").contains("password set");

        Path file = dir.resolve("db.password");
        Files.writeString(file, "s3cret\n");
        Properties withFile = minimal();
        withFile.setProperty(CaptureConfig.DATABASE_PASSWORD_FILE, file.toString());
        assertThat(config(withFile).databasePassword()).isEqualTo("s3cret");
        assertThatThrownBy(() -> CaptureConfig.from(withFile, Map.of(CaptureConfig.DATABASE_PASSWORD_ENV, "x")::get))
                .hasMessageContaining("keep one");
        withFile.setProperty(CaptureConfig.DATABASE_PASSWORD_FILE, dir.resolve("missing").toString());
        assertThatThrownBy(() -> config(withFile)).hasMessageContaining("cannot read the database password file");
    }

    @Test
    void keysAreSortedToKafkaDebeziumAndTheProducer() {
        Properties p = minimal();
        p.setProperty("security.protocol", "SASL_SSL");
        p.setProperty("producer.linger.ms", "50");
        p.setProperty("producer.acks", "1");
        p.setProperty("debezium.slot.max.retries", "12");
        CaptureConfig config = config(p);
        assertThat(config.kafkaClient()).containsOnlyKeys("bootstrap.servers", "security.protocol");
        assertThat(config.producerOverrides()).containsEntry("linger.ms", "50");
        assertThat(config.debeziumOverrides()).containsEntry("slot.max.retries", "12");

        Properties producer = CaptureService.producerProperties(config);
        assertThat(producer).containsEntry(ProducerConfig.ACKS_CONFIG, "all")
                .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true")
                .containsEntry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd")
                .containsEntry(ProducerConfig.LINGER_MS_CONFIG, "50")
                .containsEntry("security.protocol", "SASL_SSL");
    }
}
