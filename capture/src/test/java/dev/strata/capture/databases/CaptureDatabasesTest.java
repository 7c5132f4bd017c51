package dev.strata.capture.databases;

import dev.strata.capture.CaptureConfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class CaptureDatabasesTest {
    private static Properties shared() {
        Properties p = new Properties();
        p.setProperty(CaptureConfig.BOOTSTRAP_SERVERS, "kafka:9092");
        p.setProperty(CaptureConfig.DATABASE_NAME, "app");
        p.setProperty(CaptureConfig.DATABASE_USER, "strata");
        p.setProperty(CaptureConfig.TABLES, "public.orders");
        p.setProperty(CaptureConfig.NAME, "shop");
        return p;
    }

    private static List<CaptureConfig> configs(Properties p) {
        return CaptureDatabases.configs(p, variable -> null);
    }

    @Test
    void withoutDatabasesTheFileIsOneDatabaseAsBefore() {
        List<CaptureConfig> configs = configs(shared());
        assertThat(configs).hasSize(1);
        assertThat(configs.get(0).name()).isEqualTo("shop");
        assertThat(configs.get(0).slot()).isEqualTo(CaptureConfig.SLOT_DEFAULT);
    }

    @Test
    void eachDatabaseHasTheSharedKeysItsOwnOverridesAndItsOwnNameAndSlot() {
        Properties p = shared();
        p.setProperty(CaptureConfig.DATABASES, "acme, globex");
        p.setProperty("strata.capture.databases.acme.database.dbname", "acme_db");
        p.setProperty("strata.capture.databases.acme.strata.capture.tenant.fixed", "acme");
        p.setProperty("strata.capture.databases.globex.database.hostname", "pg2");
        p.setProperty("strata.capture.databases.globex.strata.capture.name", "globex-main");

        List<CaptureConfig> configs = configs(p);

        assertThat(configs).extracting(CaptureConfig::name).containsExactly("shop-acme", "globex-main");
        assertThat(configs).extracting(CaptureConfig::slot).containsExactly("strata_capture_acme", "strata_capture_globex");
        assertThat(configs).extracting(CaptureConfig::databaseName).containsExactly("acme_db", "app");
        assertThat(configs).extracting(CaptureConfig::databaseHost).containsExactly("localhost", "pg2");
        assertThat(configs.get(0).fixedTenant()).contains("acme");
        assertThat(configs.get(1).fixedTenant()).isEmpty();
    }

    @Test
    void aKeyOfAnUnlistedDatabaseIsRefusedNamingTheList() {
        Properties p = shared();
        p.setProperty(CaptureConfig.DATABASES, "acme");
        p.setProperty("strata.capture.databases.acne.database.dbname", "acme_db");
        assertThatThrownBy(() -> configs(p)).hasMessageContaining("strata.capture.databases.acne.database.dbname names database 'acne'")
                .hasMessageContaining("strata.capture.databases=acme");
    }

    @Test
    void oneProcessSettingCannotBeSetPerDatabase() {
        Properties p = shared();
        p.setProperty(CaptureConfig.DATABASES, "acme");
        p.setProperty("strata.capture.databases.acme.strata.metrics.port", "9100");
        assertThatThrownBy(() -> configs(p)).hasMessageContaining("one per capture process, not per database");
    }

    @Test
    void twoDatabasesOnOneSlotOrOneNameAreRefused() {
        Properties slots = shared();
        slots.setProperty(CaptureConfig.DATABASES, "a,b");
        slots.setProperty("strata.capture.databases.a.strata.capture.slot", "same");
        slots.setProperty("strata.capture.databases.b.strata.capture.slot", "same");
        assertThatThrownBy(() -> configs(slots)).hasMessageContaining("two databases use slot same on localhost:5432");

        Properties names = shared();
        names.setProperty(CaptureConfig.DATABASES, "a,b");
        names.setProperty("strata.capture.databases.a.strata.capture.name", "one");
        names.setProperty("strata.capture.databases.b.strata.capture.name", "one");
        assertThatThrownBy(() -> configs(names)).hasMessageContaining("two databases are named one");
    }

    @Test
    void badIdsAndABadFixedTenantAreRefused() {
        Properties ids = shared();
        ids.setProperty(CaptureConfig.DATABASES, "Acme");
        assertThatThrownBy(() -> configs(ids)).hasMessageContaining("strata.capture.databases entry 'Acme'");

        Properties tenant = shared();
        tenant.setProperty(CaptureConfig.TENANT_FIXED, "not a tenant");
        assertThatThrownBy(() -> configs(tenant)).hasMessageContaining("strata.capture.tenant.fixed=not a tenant is not a valid tenant id");

        Properties both = shared();
        both.setProperty(CaptureConfig.TENANT_FIXED, "acme");
        both.setProperty(CaptureConfig.SHARED_TABLES, "public.orders=global");
        assertThatThrownBy(() -> configs(both)).hasMessageContaining("cannot name another home tenant");
    }

    @Test
    void readingSeveralDatabasesAsOneIsRefused() {
        Properties p = shared();
        p.setProperty(CaptureConfig.DATABASES, "a,b");
        assertThatThrownBy(() -> CaptureConfig.from(p, variable -> null)).hasMessageContaining("read the file with CaptureDatabases");
    }
}
