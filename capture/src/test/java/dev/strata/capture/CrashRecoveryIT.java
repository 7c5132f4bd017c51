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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One capture process for three databases (two shared-schema, one database-per-tenant), kill -9 in
 * the middle of a 90k-row workload written to all three at once, then a restart: every committed
 * change of every database is in Kafka, and the copies delivered twice carry the same eventId
 * (counted, reported).
 */
@ExtendWith(LocalStackExtension.class)
class CrashRecoveryIT {
    private static final String NAME = "crash";
    private static final List<String> IDS = List.of("a", "b", "c");
    /** Database c has no tenant column: the whole database is this tenant's. */
    private static final String FIXED_TENANT = "globex";
    private static final int TRANSACTIONS = 30;
    private static final int ROWS_PER_TRANSACTION = 1_000;
    private static final int PER_DATABASE = TRANSACTIONS * ROWS_PER_TRANSACTION;

    @Test
    void aKilledCaptureOfThreeDatabasesLosesNothingAndItsDuplicatesAreRecognisable(LocalKafka kafka, LocalPostgres pg)
            throws Exception {
        for (String id : IDS) {
            pg.createDatabase(database(id));
            CaptureTestSetup.execute(pg, database(id), id.equals("c")
                    ? "CREATE TABLE ledger (id bigint PRIMARY KEY, amount bigint)"
                    : "CREATE TABLE ledger (tenant_id text, id bigint, amount bigint, PRIMARY KEY (tenant_id, id))");
        }
        Properties properties = CaptureTestSetup.properties(kafka, pg, database("a"), NAME, "public.ledger");
        properties.setProperty(CaptureConfig.DATABASES, String.join(",", IDS));
        for (String id : IDS) {
            properties.setProperty(CaptureConfig.DATABASES + "." + id + "." + CaptureConfig.DATABASE_NAME, database(id));
        }
        properties.setProperty(CaptureConfig.DATABASES + ".c." + CaptureConfig.TENANT_FIXED, FIXED_TENANT);
        int port = CaptureTestSetup.freePort();
        properties.setProperty(CaptureConfig.METRICS_PORT, Integer.toString(port));
        Path dir = Path.of("target", "crash-it");
        CaptureProcess first = CaptureProcess.start(dir, properties, "capture-1.log");
        CaptureTestSetup.awaitStreaming(port, IDS.size()); // its topics exist from here on
        for (String id : IDS) {
            // the slot exists once its engine streams; its size is looked up every 10 s
            CaptureTestSetup.awaitMetric(port, Pattern.compile("strata_capture_slot_retained_bytes\\{slot=\"crash_slot_" + id
                    + "\",source=\"crash-" + id + "\"} [0-9]"), Duration.ofSeconds(30));
        }
        List<TopicReader> readers = new ArrayList<>();
        try {
            for (String id : IDS) {
                readers.add(new TopicReader(kafka, NAME + "-" + id));
            }
            int atKill;
            CompletableFuture<?>[] workloads = IDS.stream().map(id -> CompletableFuture.runAsync(() -> insertLedger(pg, id)))
                    .toArray(CompletableFuture[]::new);
            try (first) {
                awaitAll(readers, PER_DATABASE / 3, Duration.ofSeconds(120), "a third of each database's workload", false);
                assertThat(first.alive()).as("the first capture runs until it is killed").isTrue();
                first.kill();
                atKill = readers.stream().mapToInt(r -> r.drain().events().size()).sum();
            }
            CompletableFuture.allOf(workloads).join();
            for (String id : IDS) {
                CaptureTestSetup.awaitSlotReleased(pg, database(id), "crash_slot_" + id);
            }
            try (CaptureProcess second = CaptureProcess.start(dir, properties, "capture-2.log")) {
                awaitAll(readers, PER_DATABASE, Duration.ofSeconds(180), "all " + PER_DATABASE + " changes of each database", true);
            }
            for (int i = 0; i < IDS.size(); i++) {
                List<ChangeEvent> events = readers.get(i).drain().events();
                int distinct = distinctIds(events);
                int duplicates = events.size() - distinct;
                System.out.printf("CrashRecoveryIT: database %s: killed after %d of %d changes (all databases) were in Kafka; after"
                        + " the restart %d events, %d distinct, %d duplicates (%.1f%%), 0 missing%n", IDS.get(i), atKill,
                        IDS.size() * PER_DATABASE, events.size(), distinct, duplicates, 100.0 * duplicates / PER_DATABASE);
                assertThat(distinct).as("database %s", IDS.get(i)).isEqualTo(PER_DATABASE);
                assertThat(events).extracting(ChangeEvent::getOp).containsOnly(Op.CREATE);
                Set<String> rows = events.stream().map(e -> e.getTenant() + "/" + value(e.getAfter(), "id")).collect(Collectors.toSet());
                assertThat(rows).as("database %s", IDS.get(i)).hasSize(PER_DATABASE);
                if (IDS.get(i).equals("c")) {
                    assertThat(events).extracting(ChangeEvent::getTenant).containsOnly(FIXED_TENANT);
                } else {
                    assertThat(events).extracting(ChangeEvent::getTenant).doesNotContain(FIXED_TENANT);
                }
            }
        } finally {
            readers.forEach(TopicReader::close);
        }
        for (String id : IDS) {
            CaptureTestSetup.dropSlot(pg, database(id), "crash_slot_" + id);
        }
    }

    private static String database(String id) {
        return "crash_it_" + id;
    }

    private static void awaitAll(List<TopicReader> readers, int each, Duration timeout, String what, boolean distinct) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (TopicReader reader : readers) {
            Duration left = Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
            reader.awaitUntil(r -> (distinct ? distinctIds(r.events()) : r.events().size()) >= each, left, what);
        }
    }

    private static void insertLedger(LocalPostgres pg, String id) {
        try (Connection db = CaptureTestSetup.connect(pg, database(id)); Statement sql = db.createStatement()) {
            db.setAutoCommit(false);
            for (int tx = 0; tx < TRANSACTIONS; tx++) {
                long first = (long) tx * ROWS_PER_TRANSACTION + 1;
                String range = "generate_series(" + first + ", " + (first + ROWS_PER_TRANSACTION - 1) + ") g";
                String tenant = (tx % 2 == 0 ? "acme" : "initech") + "_" + id;
                sql.executeUpdate(id.equals("c")
                        ? "INSERT INTO ledger SELECT g, g * 7 FROM " + range
                        : "INSERT INTO ledger SELECT '" + tenant + "', g, g * 7 FROM " + range);
                db.commit();
                Thread.sleep(20);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the ledger workload of database " + id + " failed: " + e.getMessage(), e);
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
