package dev.strata.capture;

import dev.strata.capture.pg.PgColumnType;
import dev.strata.capture.pg.TableShape;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class StartupChecksTest {
    private static final PgColumnType INT = new PgColumnType("integer", "int4", "int4", 'N');
    private static final PgColumnType TEXT = new PgColumnType("text", "text", "text", 'S');

    private static CaptureConfig config(String tables) {
        Properties p = new Properties();
        p.setProperty(CaptureConfig.BOOTSTRAP_SERVERS, "kafka:9092");
        p.setProperty(CaptureConfig.DATABASE_NAME, "app");
        p.setProperty(CaptureConfig.DATABASE_USER, "u");
        p.setProperty(CaptureConfig.TABLES, tables);
        return CaptureConfig.from(p, v -> null);
    }

    private static TableShape shape(String table, char identity, List<String> identityColumns, String... columns) {
        Map<String, PgColumnType> types = new LinkedHashMap<>();
        for (String column : columns) {
            types.put(column, column.equals("t") ? new PgColumnType("time with time zone", "timetz", "timetz", 'D')
                    : column.equals("id") ? INT : TEXT);
        }
        return new TableShape(table, types, identity, identityColumns);
    }

    @Test
    void everyErrorIsNamedAtOnceWithItsFix() {
        Map<String, TableShape> catalog = Map.of(
                "public.keyless", shape("public.keyless", 'd', List.of(), "id", "tenant_id"),
                "public.orders", shape("public.orders", 'd', List.of("id"), "id", "tenant_id"));
        CaptureConfig config = config("public.keyless,public.orders,public.gone");
        assertThatThrownBy(() -> StartupChecks.run(config, TenantResolver.of(config), t -> Optional.ofNullable(catalog.get(t)),
                List.of("public.keyless", "public.orders")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ALTER TABLE public.keyless REPLICA IDENTITY FULL")
                .hasMessageContaining("DELETEs of public.orders would not carry tenant_id (it is not in the primary key)")
                .hasMessageContaining("table public.gone does not exist in database app");
    }

    @Test
    void tablesThatCanBeBackedUpOnlyWarn() {
        Map<String, TableShape> catalog = Map.of(
                "public.full", shape("public.full", 'f', List.of(), "id", "tenant_id", "t"),
                "public.keyed", shape("public.keyed", 'd', List.of("tenant_id", "id"), "id", "tenant_id"),
                "public.audit", shape("public.audit", 'd', List.of("id"), "id"));
        CaptureConfig config = config("public.full,public.keyed,public.audit");
        List<String> warnings = StartupChecks.run(config, TenantResolver.of(config), t -> Optional.ofNullable(catalog.get(t)),
                List.of("public.full", "public.keyed", "public.audit"));
        assertThat(warnings).hasSize(2);
        assertThat(warnings.get(0)).contains("column t of public.full is time with time zone");
        assertThat(warnings.get(1)).contains("table public.audit has no tenant").contains("NO_TENANT");
    }

    @Test
    void aPatternChecksTheTablesItMatchesNowAndWarnsWhenItMatchesNone() {
        Map<String, TableShape> catalog = Map.of("sales.keyless", shape("sales.keyless", 'd', List.of(), "id", "tenant_id"));
        CaptureConfig config = config("sales.*,public.orders_.*");
        assertThatThrownBy(() -> StartupChecks.run(config, TenantResolver.of(config), t -> Optional.ofNullable(catalog.get(t)),
                List.of("sales.keyless")))
                .hasMessageContaining("ALTER TABLE sales.keyless REPLICA IDENTITY FULL");
        assertThat(StartupChecks.run(config, TenantResolver.of(config), t -> Optional.empty(), List.of()))
                .singleElement().asString().contains("matches no table of database app yet");
    }
}
