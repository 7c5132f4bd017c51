package dev.strata.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.local.LocalKafka;
import dev.strata.local.LocalPostgres;
import dev.strata.local.LocalStackExtension;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Column;
import dev.strata.schemas.avro.Op;
import dev.strata.schemas.kafka.DeadLetterReason;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import dev.strata.schemas.ddl.DefinedColumn;
import dev.strata.schemas.ddl.TableDefinition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A schema change (DROP, RENAME and ADD COLUMN) on a table the initial snapshot has not read yet,
 * while the snapshot runs: the snapshot completes, the DDL waits for it, every snapshot row and
 * every change committed during the snapshot arrives once, and capture reports streaming only
 * when the whole snapshot is in Kafka.
 *
 * <p>The snapshot is held open deterministically, not by timing: the listener blocks delivery at
 * the first snapshot row, so Debezium's small queue fills and its snapshot transaction cannot end
 * until the test lets go. Debezium reads tables in name order: big_ledger before customers.
 */
@ExtendWith(LocalStackExtension.class)
class SnapshotDdlIT {
    private static final String DB = "snapshot_ddl_it";
    private static final String NAME = "snapddl";
    private static final int LEDGER_ROWS = 20_000;
    private static final int CUSTOMERS = 50;
    private static final Duration WAIT = Duration.ofSeconds(120);

    /** Holds the engine's thread at the first snapshot row until released. */
    private static final class SnapshotGate implements DeliveryListener {
        private final CountDownLatch holding = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);

        @Override
        public void published(ChangeEvent event, long ackedAtMicros) {
            if (event.getOp() == Op.READ && holding.getCount() > 0) {
                holding.countDown();
                try {
                    // bounded so that a failed test cannot hang the engine's thread forever
                    released.await(WAIT.toSeconds(), TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public void parked(DeadLetterReason reason) {
        }

        @Override
        public void heartbeat(long atMillis) {
        }
    }

    @Test
    void aSchemaChangeDuringTheInitialSnapshotLosesNothingAndStreamingWaitsForTheSnapshot(LocalKafka kafka, LocalPostgres pg)
            throws Exception {
        pg.createDatabase(DB);
        CaptureTestSetup.execute(pg, DB,
                "CREATE TABLE big_ledger (tenant_id text, id bigint, amount bigint, PRIMARY KEY (tenant_id, id))",
                "INSERT INTO big_ledger SELECT CASE WHEN g % 2 = 0 THEN 'acme' ELSE 'initech' END, g, g * 7"
                        + " FROM generate_series(1, " + LEDGER_ROWS + ") g",
                "CREATE TABLE customers (id int PRIMARY KEY, tenant_id text NOT NULL, name text, note text)",
                "ALTER TABLE customers REPLICA IDENTITY FULL",
                "INSERT INTO customers SELECT g, 'acme', 'c' || g, 'n' || g FROM generate_series(1, " + CUSTOMERS + ") g");
        Properties properties = CaptureTestSetup.properties(kafka, pg, DB, NAME, "public.big_ledger,public.customers");
        // a queue far smaller than the table: with delivery held, the snapshot cannot reach customers
        properties.setProperty(CaptureConfig.BATCH_SIZE, "256");
        properties.setProperty(CaptureConfig.QUEUE_SIZE, "1024");
        properties.setProperty(CaptureConfig.CHECKPOINT_INTERVAL_MS, "0");
        int port = CaptureTestSetup.freePort();
        properties.setProperty(CaptureConfig.METRICS_PORT, Integer.toString(port));
        SnapshotGate gate = new SnapshotGate();
        CompletableFuture<Void> ddl;
        try (CaptureService capture = CaptureService.start(CaptureTestSetup.config(properties), Clock.systemUTC(), gate);
             TopicReader reader = new TopicReader(kafka, NAME)) {
            assertThat(gate.holding.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the first snapshot row arrived").isTrue();
            assertThat(capture.streaming()).isFalse();
            assertThatThrownBy(() -> capture.awaitStreaming(Duration.ofMillis(200))).isInstanceOf(TimeoutException.class)
                    .hasMessageContaining("capture " + NAME + " is not streaming").hasMessageContaining("snapshot");
            assertThat(CaptureTestSetup.scrape(port)).contains("strata_capture_streaming{source=\"" + NAME + "\"} 0.0");

            // committed while the snapshot runs, after its point: these must stream, not be in the snapshot
            CaptureTestSetup.execute(pg, DB,
                    "INSERT INTO big_ledger VALUES ('acme', " + (LEDGER_ROWS + 2) + ", 1)",
                    "UPDATE big_ledger SET amount = -1 WHERE id = 1");
            ddl = CompletableFuture.runAsync(() -> alterCustomers(pg));
            awaitWaitingForLock(pg, "ALTER TABLE customers");
            assertThat(ddl).as("the DDL waits for the snapshot's lock on customers").isNotDone();

            gate.released.countDown();
            capture.awaitStreaming(WAIT);
            // streaming means every snapshot row is in Kafka already
            List<ChangeEvent> snapshot = reader.drain().events().stream().filter(e -> e.getOp() == Op.READ).toList();
            assertThat(snapshot).hasSize(LEDGER_ROWS + CUSTOMERS);
            assertThat(CaptureTestSetup.scrape(port)).contains("strata_capture_streaming{source=\"" + NAME + "\"} 1.0");

            ddl.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            CaptureTestSetup.execute(pg, DB, "UPDATE customers SET email = 'e1@acme.example' WHERE id = 1");
            reader.awaitUntil(r -> r.events().size() >= LEDGER_ROWS + CUSTOMERS + 3, WAIT, "the snapshot and 3 changes");
            List<ChangeEvent> events = reader.drain().events();

            assertThat(events).hasSize(LEDGER_ROWS + CUSTOMERS + 3);
            assertThat(events.stream().map(ChangeEvent::getEventId).distinct().count()).isEqualTo(events.size());
            // the snapshot is the state at its point: before the changes above
            assertThat(snapshot).filteredOn(e -> e.getTable().equals("public.big_ledger") && value(e.getAfter(), "id").equals(1L))
                    .singleElement().satisfies(e -> assertThat(value(e.getAfter(), "amount")).isEqualTo(7L));
            assertThat(snapshot).noneMatch(e -> value(e.getAfter(), "id").equals((long) LEDGER_ROWS + 2));
            assertThat(snapshot).filteredOn(e -> e.getTable().equals("public.customers")).hasSize(CUSTOMERS)
                    .allSatisfy(e -> assertThat(e.getAfter()).extracting(Column::getName)
                            .containsExactly("id", "tenant_id", "name", "note"));

            // two tenants, two partitions: the log's order is the LSN's
            List<ChangeEvent> streamed = events.stream().filter(e -> e.getOp() != Op.READ)
                    .sorted(Comparator.comparingLong(ChangeEvent::getLsn)).toList();
            assertThat(streamed).extracting(ChangeEvent::getOp).containsExactly(Op.CREATE, Op.UPDATE, Op.UPDATE);
            assertThat(value(streamed.get(0).getAfter(), "id")).isEqualTo((long) LEDGER_ROWS + 2);
            assertThat(value(streamed.get(1).getAfter(), "amount")).isEqualTo(-1L);
            // one cut time for the whole snapshot, and none before it for what streamed after it: a read newest first by cut
            // time meets the changes after the snapshot's point before its rows
            long snapshotCut = snapshot.get(0).getCutTsMicros();
            assertThat(snapshot).extracting(ChangeEvent::getCutTsMicros).containsOnly(snapshotCut);
            assertThat(streamed).allSatisfy(e -> assertThat(e.getCutTsMicros()).isGreaterThanOrEqualTo(snapshotCut));
            ChangeEvent afterDdl = streamed.get(2);
            assertThat(afterDdl.getTable()).isEqualTo("public.customers");
            assertThat(afterDdl.getAfter()).extracting(Column::getName).containsExactly("id", "tenant_id", "remark", "email");
            assertThat(value(afterDdl.getAfter(), "email")).isEqualTo("e1@acme.example");
            assertThat(value(afterDdl.getBefore(), "remark")).isEqualTo("n1");

            // the definitions came through the WAL in order: the last before that UPDATE, the event trigger's after the DDL
            // or capture's own written since (for tenants it learnt of), describes the table the DDL left
            List<TableDefinition> before = reader.definitions().stream()
                    .filter(d -> d.getTable().equals("public.customers") && d.getTenant().equals(afterDdl.getTenant())
                            && d.getLsn() < afterDdl.getLsn())
                    .sorted(Comparator.comparingLong(ChangeEvent::getLsn)).map(d -> TableDefinition.parse(d.getTableDefinition())).toList();
            assertThat(before).extracting(TableDefinition::tag).contains("ALTER TABLE");
            TableDefinition defined = before.get(before.size() - 1);
            assertThat(defined.liveColumns()).extracting(DefinedColumn::name).containsExactly("id", "tenant_id", "remark", "email");
            assertThat(defined.column("remark").orElseThrow().attnum()).as("a RENAME keeps the attnum").isEqualTo(4);
        }
        CaptureTestSetup.dropSlot(pg, DB, NAME + "_slot");
    }

    /** DROP, RENAME and ADD COLUMN in one transaction: the failing snapshot SELECT named a dropped column. */
    private static void alterCustomers(LocalPostgres pg) {
        try (Connection db = CaptureTestSetup.connect(pg, DB); Statement sql = db.createStatement()) {
            db.setAutoCommit(false);
            sql.execute("ALTER TABLE customers DROP COLUMN name");
            sql.execute("ALTER TABLE customers RENAME COLUMN note TO remark");
            sql.execute("ALTER TABLE customers ADD COLUMN email text");
            db.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("altering customers failed: " + e.getMessage(), e);
        }
    }

    /** Waits until a session running {@code statementPrefix} waits for a lock. */
    private static void awaitWaitingForLock(LocalPostgres pg, String statementPrefix) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String waiting = "SELECT count(*) FROM pg_stat_activity WHERE datname = '" + DB + "' AND wait_event_type = 'Lock'"
                + " AND query LIKE '" + statementPrefix + "%'";
        while (CaptureTestSetup.count(pg, DB, waiting) == 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no session waits for a lock running " + statementPrefix
                        + " within 60 s: it did not wait for the snapshot");
            }
            Thread.sleep(20);
        }
    }

    private static Object value(List<Column> columns, String name) {
        return columns.stream().filter(c -> c.getName().equals(name)).findFirst().map(Column::getValue).orElse(null);
    }
}
