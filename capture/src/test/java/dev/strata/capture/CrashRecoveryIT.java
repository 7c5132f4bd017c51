package dev.strata.capture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.local.LocalKafka;
import dev.strata.local.LocalPostgres;
import dev.strata.local.LocalStackExtension;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Column;
import dev.strata.schemas.avro.Op;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * kill -9 of the capture JVM in the middle of a 100k-row workload, then a restart: every committed
 * change is in Kafka, and the copies delivered twice carry the same eventId (counted, reported).
 */
@ExtendWith(LocalStackExtension.class)
class CrashRecoveryIT {
    private static final String DB = "crash_it";
    private static final String NAME = "crash";
    private static final int TRANSACTIONS = 100;
    private static final int ROWS_PER_TRANSACTION = 1_000;
    private static final int TOTAL = TRANSACTIONS * ROWS_PER_TRANSACTION;

    @Test
    void aKilledCaptureLosesNothingAndItsDuplicatesAreRecognisable(LocalKafka kafka, LocalPostgres pg) throws Exception {
        pg.createDatabase(DB);
        CaptureTestSetup.execute(pg, DB, "CREATE TABLE ledger (tenant_id text, id bigint, amount bigint, PRIMARY KEY (tenant_id, id))");
        Properties properties = CaptureTestSetup.properties(kafka, pg, DB, NAME, "public.ledger");
        int port = CaptureTestSetup.freePort();
        properties.setProperty(CaptureConfig.METRICS_PORT, Integer.toString(port));
        Path dir = Path.of("target", "crash-it");
        CaptureProcess first = CaptureProcess.start(dir, properties, "capture-1.log");
        CaptureTestSetup.awaitStreaming(port); // its topics exist from here on
        try (TopicReader reader = new TopicReader(kafka, NAME)) {
            int atKill;
            CompletableFuture<Void> workload;
            try (first) {
                workload = CompletableFuture.runAsync(() -> insertLedger(pg));
                reader.awaitUntil(r -> r.events().size() >= TOTAL / 3, Duration.ofSeconds(120), "a third of the workload");
                assertThat(first.alive()).as("the first capture runs until it is killed").isTrue();
                first.kill();
                atKill = reader.drain().events().size();
            }
            workload.join();
            CaptureTestSetup.awaitSlotReleased(pg, DB, NAME + "_slot");
            try (CaptureProcess second = CaptureProcess.start(dir, properties, "capture-2.log")) {
                reader.awaitUntil(r -> distinctIds(r.events()) >= TOTAL, Duration.ofSeconds(180), "all " + TOTAL + " changes");
            }
            List<ChangeEvent> events = reader.drain().events();
            int distinct = distinctIds(events);
            int duplicates = events.size() - distinct;
            System.out.printf("CrashRecoveryIT: killed after %d of %d changes were in Kafka; after the restart %d events,"
                    + " %d distinct, %d duplicates (%.1f%%), 0 missing%n", atKill, TOTAL, events.size(), distinct, duplicates,
                    100.0 * duplicates / TOTAL);

            assertThat(distinct).isEqualTo(TOTAL);
            assertThat(events).extracting(ChangeEvent::getOp).containsOnly(Op.CREATE);
            Set<String> rows = events.stream().map(e -> e.getTenant() + "/" + value(e.getAfter(), "id"))
                    .collect(Collectors.toSet());
            assertThat(rows).hasSize(TOTAL);
            assertThat(duplicates).isGreaterThanOrEqualTo(0);
        }
        CaptureTestSetup.dropSlot(pg, DB, NAME + "_slot");
    }

    private static void insertLedger(LocalPostgres pg) {
        try (Connection db = CaptureTestSetup.connect(pg, DB); Statement sql = db.createStatement()) {
            db.setAutoCommit(false);
            for (int tx = 0; tx < TRANSACTIONS; tx++) {
                String tenant = tx % 2 == 0 ? "acme" : "initech";
                long first = (long) tx * ROWS_PER_TRANSACTION + 1;
                sql.executeUpdate("INSERT INTO ledger SELECT '" + tenant + "', g, g * 7 FROM generate_series(" + first + ", "
                        + (first + ROWS_PER_TRANSACTION - 1) + ") g");
                db.commit();
                Thread.sleep(20);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the ledger workload failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("the ledger workload was interrupted", e);
        }
    }

    private static int distinctIds(List<ChangeEvent> events) {
        Set<String> ids = new HashSet<>(events.size() * 2);
        events.forEach(e -> ids.add(e.getEventId()));
        return ids.size();
    }

    private static Object value(List<Column> columns, String name) {
        return columns.stream().filter(c -> c.getName().equals(name)).findFirst().map(Column::getValue).orElse(null);
    }
}
