package dev.strata.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.local.LocalKafka;
import dev.strata.local.LocalPostgres;
import dev.strata.local.LocalStackExtension;
import dev.strata.schemas.kafka.DeadLetterHeaders;
import dev.strata.schemas.kafka.DeadLetterReason;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What capture refuses: a table without tenant (dead letters, counted), tables it cannot back up
 * (no start), and schema history it can neither find nor install (no start, unless turned off).
 */
@ExtendWith(LocalStackExtension.class)
class DeadLettersIT {

    @Test
    void aTableWithoutTenantColumnIsDeadLetteredAsNoTenantAndCounted(LocalKafka kafka, LocalPostgres pg) throws Exception {
        String db = "no_tenant_it";
        String name = "notenant";
        pg.createDatabase(db);
        CaptureTestSetup.execute(pg, db,
                "CREATE TABLE audit (id int PRIMARY KEY, msg text)",
                "CREATE TABLE notes (id int PRIMARY KEY, tenant_id text NOT NULL, body text)",
                "ALTER TABLE notes REPLICA IDENTITY FULL");
        Properties properties = CaptureTestSetup.properties(kafka, pg, db, name, "public.audit,public.notes");
        int port = CaptureTestSetup.freePort();
        properties.setProperty(CaptureConfig.METRICS_PORT, Integer.toString(port));
        try (CaptureService capture = CaptureService.start(CaptureTestSetup.config(properties), Clock.systemUTC());
             TopicReader reader = new TopicReader(kafka, name)) {
            capture.awaitStreaming(Duration.ofSeconds(60));
            CaptureTestSetup.execute(pg, db,
                    "INSERT INTO audit VALUES (1, 'a'), (2, 'b'), (3, 'c')",
                    "INSERT INTO notes VALUES (1, 'acme', 'kept')");
            reader.awaitUntil(r -> r.parked().size() >= 3 && r.events().size() >= 1, Duration.ofSeconds(60),
                    "3 dead letters and 1 event");

            assertThat(reader.parked()).hasSize(3).allSatisfy(parked -> {
                assertThat(parked.header(DeadLetterHeaders.REASON)).isEqualTo(DeadLetterReason.NO_TENANT.name());
                assertThat(parked.header(DeadLetterHeaders.DETAIL)).contains("public.audit").contains("tenant_id");
                assertThat(parked.header(DeadLetters.TABLE)).isEqualTo("public.audit");
                assertThat(parked.header(DeadLetters.LSN)).matches("[0-9]+");
                assertThat(parked.header(DeadLetters.OP)).isEqualTo("CREATE");
                assertThat(parked.header(DeadLetterHeaders.TENANT)).isNull();
                assertThat(new String(parked.value(), StandardCharsets.UTF_8)).contains("\"after\":{\"id\":");
            });
            assertThat(reader.events()).singleElement().satisfies(e -> assertThat(e.getTenant()).isEqualTo("acme"));

            String metrics = CaptureTestSetup.scrape(port);
            assertThat(metrics).contains("strata_capture_dead_letters_total{reason=\"NO_TENANT\",source=\"" + name + "\"} 3.0")
                    .contains("strata_capture_events_total{op=\"CREATE\",source=\"" + name + "\"} 1.0")
                    .contains("strata_capture_lag_seconds{source=\"" + name + "\"} ")
                    .contains("strata_capture_last_commit_seconds{source=\"" + name + "\"} ")
                    .contains("strata_capture_events_per_second{source=\"" + name + "\"} ")
                    .contains("strata_capture_commit_to_ack_seconds_bucket");
        }
        CaptureTestSetup.dropSlot(pg, db, name + "_slot");
    }

    @Test
    void tablesThatCannotBeBackedUpStopTheStartWithTheFix(LocalKafka kafka, LocalPostgres pg) throws Exception {
        String db = "startup_it";
        pg.createDatabase(db);
        CaptureTestSetup.execute(pg, db,
                "CREATE TABLE keyless (tenant_id text, v int)",
                "CREATE TABLE orders (id int PRIMARY KEY, tenant_id text NOT NULL)");
        Properties properties = CaptureTestSetup.properties(kafka, pg, db, "startup", "public.keyless,public.orders,public.missing");

        assertThatThrownBy(() -> CaptureService.start(CaptureTestSetup.config(properties), Clock.systemUTC()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("table public.keyless has neither a primary key nor REPLICA IDENTITY FULL")
                .hasMessageContaining("ALTER TABLE public.keyless REPLICA IDENTITY FULL")
                .hasMessageContaining("DELETEs of public.orders would not carry tenant_id")
                .hasMessageContaining("table public.missing does not exist in database startup_it");
        assertThat(CaptureTestSetup.count(pg, db, "SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'startup_slot'"))
                .isZero();
    }

    @Test
    void aRoleThatCannotInstallTheDdlTriggerStopsTheStartUnlessHistoryIsOff(LocalKafka kafka, LocalPostgres pg) throws Exception {
        String db = "ddl_rights_it";
        pg.createDatabase(db);
        CaptureTestSetup.execute(pg, db,
                "CREATE ROLE ddl_rights_capture LOGIN REPLICATION",
                "CREATE TABLE orders (id int PRIMARY KEY, tenant_id text NOT NULL)",
                "ALTER TABLE orders REPLICA IDENTITY FULL",
                // capture creates the publication (the role must own the table and may create in the database) and its
                // signal table (CREATE on the schema); only the event trigger is beyond it
                "ALTER TABLE orders OWNER TO ddl_rights_capture", "GRANT CREATE ON DATABASE " + db + " TO ddl_rights_capture",
                "GRANT CREATE ON SCHEMA public TO ddl_rights_capture");
        Properties properties = CaptureTestSetup.properties(kafka, pg, db, "ddlrights", "public.orders");
        properties.setProperty(CaptureConfig.DATABASE_USER, "ddl_rights_capture");

        assertThatThrownBy(() -> CaptureService.start(CaptureTestSetup.config(properties), Clock.systemUTC()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("needs the event trigger strata_capture_ddl in database ddl_rights_it")
                .hasMessageContaining("role ddl_rights_capture cannot create it (CREATE EVENT TRIGGER needs a superuser)")
                .hasMessageContaining("strata.capture.ddl.history=off");
        assertThat(CaptureTestSetup.count(pg, db, "SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'ddlrights_slot'"))
                .isZero();

        // installed once by a superuser, the same role starts, writes the table's definition and sees the next DDL
        CaptureTestSetup.execute(pg, db, dev.strata.capture.ddl.DdlHistory.script());
        try (CaptureService capture = CaptureService.start(CaptureTestSetup.config(properties), Clock.systemUTC());
             TopicReader reader = new TopicReader(kafka, "ddlrights")) {
            capture.awaitStreaming(Duration.ofSeconds(60));
            CaptureTestSetup.execute(pg, db, "INSERT INTO orders VALUES (1, 'acme')", "ALTER TABLE orders ADD COLUMN note text DEFAULT 'n'");
            reader.awaitUntil(r -> r.definitions().stream().anyMatch(d -> d.getTableDefinition().contains("\"note\"")),
                    Duration.ofSeconds(60), "the ALTER's definition");
            assertThat(reader.definitions()).as("the startup definition, written by the capture role itself")
                    .anyMatch(d -> d.getTableDefinition().contains("STRATA STARTUP"));
        }
        CaptureTestSetup.dropSlot(pg, db, "ddlrights_slot");
    }
}
