package dev.strata.capture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.local.LocalKafka;
import dev.strata.local.LocalPostgres;
import dev.strata.local.LocalStackExtension;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Op;
import dev.strata.schemas.avro.TableCheckpoint;
import dev.strata.schemas.checkpoint.RowChecksum;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An on-demand checkpoint reaches every tenant's stream as one CHECKPOINT event, keyed by the
 * tenant, behind every change committed before it, with per-table counts and checksums of the
 * tenant's rows only (tenant column and schema per tenant), and a snapshot in Postgres' format.
 */
@ExtendWith(LocalStackExtension.class)
class CheckpointIT {
    private static final String DB = "checkpoint_it";
    private static final String NAME = "checkpoints";

    @Test
    void checkpointCountsEachTenantsRowsInOneSnapshotAndFollowsTheirChanges(LocalKafka kafka, LocalPostgres pg) throws Exception {
        pg.createDatabase(DB);
        CaptureTestSetup.execute(pg, DB,
                "CREATE TABLE orders (tenant_id text, id bigint, amount numeric(12,2), note text, PRIMARY KEY (tenant_id, id))",
                "CREATE TABLE customers (id int PRIMARY KEY, tenant_id text NOT NULL, name text)",
                "ALTER TABLE customers REPLICA IDENTITY FULL",
                "CREATE SCHEMA tenant_globex",
                "CREATE TABLE tenant_globex.items (id int PRIMARY KEY, label text)");
        Properties properties = CaptureTestSetup.properties(kafka, pg, DB, NAME, "public.orders,public.customers,tenant_globex.items");
        properties.setProperty(CaptureConfig.TENANT_SCHEMA_PATTERN, "tenant_(?<tenant>.+)");
        properties.setProperty(CaptureConfig.CHECKPOINT_INTERVAL_MS, "0");
        try (CaptureService capture = CaptureService.start(CaptureTestSetup.config(properties), Clock.systemUTC());
             TopicReader reader = new TopicReader(kafka, NAME)) {
            capture.awaitStreaming(Duration.ofSeconds(60));
            CaptureTestSetup.execute(pg, DB,
                    "INSERT INTO orders SELECT 'acme', g, g * 1.25, 'n' || g FROM generate_series(1, 300) g",
                    "INSERT INTO orders SELECT 'initech', g, g * 2.5, NULL FROM generate_series(1, 120) g",
                    "INSERT INTO customers SELECT g, 'acme', 'c' || g FROM generate_series(1, 40) g",
                    "INSERT INTO tenant_globex.items SELECT g, 'item ' || g FROM generate_series(1, 25) g",
                    "DELETE FROM orders WHERE tenant_id = 'acme' AND id % 10 = 0");

            capture.checkpointNow();

            reader.awaitUntil(r -> checkpoints(r).size() == 3, Duration.ofSeconds(60), "three tenant checkpoints");
            Map<String, ChangeEvent> byTenant = checkpoints(reader).stream()
                    .collect(Collectors.toMap(e -> e.getTenant().toString(), e -> e));
            assertThat(byTenant).containsOnlyKeys("acme", "initech", "globex");

            ChangeEvent acme = byTenant.get("acme");
            assertThat(acme.getCheckpoint().getSnapshot().toString()).matches("\\d+:\\d+:[\\d,]*");
            assertThat(acme.getEventId().toString()).isEqualTo("cp:" + acme.getLsn() + ":acme");
            assertThat(counts(acme)).containsExactly(
                    Map.entry("public.customers", 40L), Map.entry("public.orders", 270L));
            // initech has no customers: the table is listed empty, so a restore that finds some fails
            assertThat(counts(byTenant.get("initech"))).containsExactly(
                    Map.entry("public.customers", 0L), Map.entry("public.orders", 120L));
            assertThat(checksum(byTenant.get("initech"), "public.customers")).isEqualTo(RowChecksum.EMPTY);
            // a tenant of its own schema has none of the shared-schema tables' rows either
            assertThat(counts(byTenant.get("globex"))).containsExactly(
                    Map.entry("public.customers", 0L), Map.entry("public.orders", 0L), Map.entry("tenant_globex.items", 25L));

            try (Connection db = CaptureTestSetup.connect(pg, DB)) {
                assertThat(checksum(acme, "public.orders"))
                        .isEqualTo(sourceChecksum(db, "public.orders WHERE tenant_id = 'acme'"));
                assertThat(checksum(byTenant.get("globex"), "tenant_globex.items"))
                        .isEqualTo(sourceChecksum(db, "tenant_globex.items"));
            }
            // keyed by tenant, and behind every change of the tenant committed before it
            int at = reader.events().indexOf(acme);
            assertThat(reader.keys().get(at)).isEqualTo("acme");
            long acmeChangesBefore = reader.events().subList(0, at).stream()
                    .filter(e -> e.getTenant().toString().equals("acme") && e.getOp() != Op.CHECKPOINT).count();
            assertThat(acmeChangesBefore).isEqualTo(300 + 40 + 30);
            assertThat(acme.getCommitTsMicros()).isGreaterThanOrEqualTo(reader.events().get(at - 1).getCommitTsMicros());
        } finally {
            CaptureTestSetup.dropSlot(pg, DB, NAME + "_slot");
        }
    }

    private static List<ChangeEvent> checkpoints(TopicReader reader) {
        return reader.events().stream().filter(e -> e.getOp() == Op.CHECKPOINT).toList();
    }

    private static Map<String, Long> counts(ChangeEvent checkpoint) {
        return checkpoint.getCheckpoint().getTables().stream()
                .collect(Collectors.toMap(t -> t.getTable().toString(), TableCheckpoint::getRowCount, (a, b) -> a, java.util.TreeMap::new));
    }

    private static String checksum(ChangeEvent checkpoint, String table) {
        return checkpoint.getCheckpoint().getTables().stream().filter(t -> t.getTable().toString().equals(table))
                .findFirst().orElseThrow().getChecksum().toString();
    }

    private static String sourceChecksum(Connection db, String fromAndWhere) throws Exception {
        String[] parts = fromAndWhere.split(" WHERE ", 2);
        String sql = "SELECT " + RowChecksum.AGGREGATE + " FROM " + parts[0] + " " + RowChecksum.ROW_ALIAS
                + (parts.length > 1 ? " WHERE " + parts[1] : "");
        try (Statement s = db.createStatement(); ResultSet row = s.executeQuery(sql)) {
            row.next();
            return row.getString(2);
        }
    }
}
