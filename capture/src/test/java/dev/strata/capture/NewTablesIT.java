package dev.strata.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.local.LocalKafka;
import dev.strata.local.LocalPostgres;
import dev.strata.local.LocalStackExtension;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Column;
import dev.strata.schemas.avro.Op;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Tables that are not there, or not configured, when capture starts: a table created mid-stream
 * that matches a pattern of {@code strata.capture.tables} is captured from its creation (the rows of
 * the creating transaction too) without a restart; a table added to the configuration is
 * snapshotted incrementally at the next start (its existing rows and those written while capture was
 * down) while streaming goes on. In both, the signal table's rows are no data and no dead letter.
 */
@ExtendWith(LocalStackExtension.class)
class NewTablesIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void aTableCreatedMidStreamThatMatchesIsCapturedFromItsCreation(LocalKafka kafka, LocalPostgres pg) throws Exception {
        String db = "new_tables_it";
        String name = "newtables";
        pg.createDatabase(db);
        CaptureTestSetup.execute(pg, db,
                "CREATE TABLE orders (tenant_id text, id int, PRIMARY KEY (tenant_id, id))",
                "INSERT INTO orders VALUES ('acme', 1), ('initech', 2)");
        Properties properties = CaptureTestSetup.properties(kafka, pg, db, name, "public.orders,public.orders_.*,tenant_.*\\.orders");
        properties.setProperty(CaptureConfig.TENANT_SCHEMA_PATTERN, "tenant_(?<tenant>.+)");
        int port = CaptureTestSetup.freePort();
        properties.setProperty(CaptureConfig.METRICS_PORT, Integer.toString(port));
        try (CaptureService capture = CaptureService.start(CaptureTestSetup.config(properties), Clock.systemUTC());
             TopicReader reader = new TopicReader(kafka, name);
             Connection connection = CaptureTestSetup.connect(pg, db);
             Statement sql = connection.createStatement()) {
            capture.awaitStreaming(WAIT);
            assertThat(CaptureTestSetup.scrape(port)).contains("strata_capture_streaming{source=\"" + name + "\"} 1.0");
            assertThat(CaptureTestSetup.count(pg, db, "SELECT count(*) FROM pg_publication WHERE pubname = '" + name
                    + "_pub' AND puballtables")).as("a schema pattern needs a publication of all tables").isEqualTo(1);

            connection.setAutoCommit(false);
            // created and filled in one transaction: the rows must not wait for any publication change
            sql.execute("CREATE TABLE orders_2026 (tenant_id text, id int, PRIMARY KEY (tenant_id, id))");
            sql.execute("INSERT INTO orders_2026 VALUES ('acme', 1), ('acme', 2), ('initech', 3)");
            connection.commit();
            sql.execute("INSERT INTO orders_2026 VALUES ('acme', 4), ('initech', 5)");
            connection.commit();
            sql.execute("CREATE SCHEMA tenant_globex");
            sql.execute("CREATE TABLE tenant_globex.orders (id int PRIMARY KEY, note text)");
            sql.execute("INSERT INTO tenant_globex.orders SELECT g, 'n' || g FROM generate_series(1, 4) g");
            connection.commit();
            sql.execute("INSERT INTO tenant_globex.orders VALUES (5, 'later')");
            // matches no pattern: neither captured nor parked
            sql.execute("CREATE TABLE audit (id int PRIMARY KEY, msg text)");
            sql.execute("INSERT INTO audit VALUES (1, 'not backed up')");
            connection.commit();
            sql.execute("INSERT INTO orders VALUES ('acme', 3)");
            connection.commit();

            reader.awaitUntil(r -> r.events().size() >= 13, WAIT, "2 snapshot rows and 11 changes");
            Map<String, List<String>> byTable = new TreeMap<>(reader.drain().events().stream().collect(Collectors.groupingBy(
                    e -> e.getTable().toString(), Collectors.mapping(e -> e.getOp() + " " + e.getTenant() + "/" + value(e, "id"),
                            Collectors.toList()))));
            assertThat(byTable).containsOnlyKeys("public.orders", "public.orders_2026", "tenant_globex.orders");
            assertThat(byTable.get("public.orders")).containsExactlyInAnyOrder("READ acme/1", "READ initech/2", "CREATE acme/3");
            assertThat(byTable.get("public.orders_2026")).containsExactlyInAnyOrder(
                    "CREATE acme/1", "CREATE acme/2", "CREATE initech/3", "CREATE acme/4", "CREATE initech/5");
            assertThat(byTable.get("tenant_globex.orders")).containsExactlyInAnyOrder(
                    "CREATE globex/1", "CREATE globex/2", "CREATE globex/3", "CREATE globex/4", "CREATE globex/5");
            assertThat(reader.parked()).as("the signal table and audit are not parked").isEmpty();
        }
        CaptureTestSetup.dropSlot(pg, db, name + "_slot");
    }

    @Test
    void aTableAddedToTheConfigurationHasItsRowsSnapshottedThenStreams(LocalKafka kafka, LocalPostgres pg) throws Exception {
        String db = "added_table_it";
        String name = "addedtable";
        pg.createDatabase(db);
        CaptureTestSetup.execute(pg, db,
                "CREATE TABLE orders (tenant_id text, id int, PRIMARY KEY (tenant_id, id))",
                "INSERT INTO orders VALUES ('acme', 1)",
                "CREATE TABLE invoices (tenant_id text, id int, amount int, PRIMARY KEY (tenant_id, id))",
                "INSERT INTO invoices SELECT CASE WHEN g % 2 = 0 THEN 'acme' ELSE 'initech' END, g, g FROM generate_series(1, 12) g");
        Properties properties = CaptureTestSetup.properties(kafka, pg, db, name, "public.orders");
        try (CaptureService capture = CaptureService.start(CaptureTestSetup.config(properties), Clock.systemUTC())) {
            capture.awaitStreaming(WAIT);
            CaptureTestSetup.execute(pg, db, "INSERT INTO orders VALUES ('acme', 2)");
            try (TopicReader reader = new TopicReader(kafka, name)) {
                reader.awaitUntil(r -> r.events().size() >= 2, WAIT, "the snapshot row and one change of orders");
            }
        }
        // while capture is down: rows the old publication does not carry, then the wider configuration
        CaptureTestSetup.execute(pg, db,
                "INSERT INTO invoices SELECT 'acme', g, g FROM generate_series(13, 15) g",
                "UPDATE invoices SET amount = -1 WHERE id = 1",
                "INSERT INTO orders VALUES ('initech', 3)");
        properties.setProperty(CaptureConfig.TABLES, "public.*");
        int port = CaptureTestSetup.freePort();
        properties.setProperty(CaptureConfig.METRICS_PORT, Integer.toString(port));
        try (CaptureService capture = CaptureService.start(CaptureTestSetup.config(properties), Clock.systemUTC());
             TopicReader reader = new TopicReader(kafka, name)) {
            capture.awaitStreaming(WAIT);
            CaptureTestSetup.awaitMetric(port, Pattern.compile(Pattern.quote("strata_capture_incremental_snapshots_total{source=\"" + name
                    + "\",state=\"completed\",table=\"public.invoices\"} 1.0")), WAIT);
            CaptureTestSetup.execute(pg, db, "INSERT INTO invoices VALUES ('initech', 16, 16)", "INSERT INTO orders VALUES ('acme', 4)");
            reader.awaitUntil(r -> r.events().stream().anyMatch(e -> e.getTable().equals("public.orders") && value(e, "id").equals(4L)),
                    WAIT, "the change of orders after");

            List<ChangeEvent> events = reader.drain().events();
            Map<Object, List<ChangeEvent>> invoices = events.stream().filter(e -> e.getTable().equals("public.invoices"))
                    .collect(Collectors.groupingBy(e -> value(e, "id")));
            assertThat(invoices).as("the 12 existing rows, 3 written while down, 1 after").hasSize(16);
            for (long id = 1; id <= 15; id++) {
                assertThat(invoices.get(id)).as("invoice %d", id).extracting(ChangeEvent::getOp).containsExactly(Op.READ);
            }
            assertThat(invoices.get(16L)).extracting(ChangeEvent::getOp).containsExactly(Op.CREATE);
            assertThat(value(invoices.get(1L).get(0), "amount")).as("read as it is now").isEqualTo(-1L);
            assertThat(invoices.get(2L).get(0).getTenant()).isEqualTo("acme");
            assertThat(events.stream().filter(e -> e.getTable().equals("public.orders")).map(e -> e.getOp() + "/" + value(e, "id")))
                    .as("the change while down, from the slot, and the one after").contains("CREATE/3", "CREATE/4");
            assertThat(reader.parked()).isEmpty();
            assertThat(CaptureTestSetup.count(pg, db, "SELECT count(*) FROM pg_publication_namespace")).isEqualTo(1);
        }
        // a table added without a primary key: its rows could not be snapshotted, so capture refuses, recording nothing
        CaptureTestSetup.execute(pg, db, "CREATE SCHEMA sales", "CREATE TABLE sales.keyless (tenant_id text, id int)",
                "ALTER TABLE sales.keyless REPLICA IDENTITY FULL", "INSERT INTO sales.keyless VALUES ('acme', 1)");
        Properties keyless = new Properties();
        keyless.putAll(properties);
        keyless.setProperty(CaptureConfig.TABLES, "public.*,sales.keyless");
        assertThatThrownBy(() -> CaptureService.start(CaptureTestSetup.config(keyless), Clock.systemUTC()))
                .hasMessageContaining("[sales.keyless] added to strata.capture.tables").hasMessageContaining("add a primary key");
        // a third start with the same configuration adds nothing
        try (CaptureService capture = CaptureService.start(CaptureTestSetup.config(properties), Clock.systemUTC())) {
            assertThat(CaptureTestSetup.count(pg, db, "SELECT count(*) FROM strata_capture_signal WHERE type = 'execute-snapshot'"))
                    .isEqualTo(1);
        }
        CaptureTestSetup.dropSlot(pg, db, name + "_slot");
    }

    private static Object value(ChangeEvent event, String column) {
        List<Column> row = event.getAfter() != null ? event.getAfter() : event.getBefore();
        return row.stream().filter(c -> c.getName().equals(column)).findFirst().map(Column::getValue).orElse(null);
    }
}
