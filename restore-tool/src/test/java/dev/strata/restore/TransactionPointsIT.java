package dev.strata.restore;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.capture.CaptureService;
import dev.strata.capture.CaptureTestSetup;
import dev.strata.local.LocalKafka;
import dev.strata.local.LocalObjectStores;
import dev.strata.local.LocalPostgres;
import dev.strata.local.LocalStackExtension;
import dev.strata.restore.testing.BackupChain;
import dev.strata.restore.testing.LocalStores;
import dev.strata.restore.testing.ToolRun;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.DurableMarkKey;
import dev.strata.schemas.layout.SegmentKey;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.sink.SinkConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Restore points of whole transactions through the whole chain on real servers: capture (Debezium
 * on PostgreSQL) to Kafka, the router, a sink writing both Ceph regions (segments cut every 300 ms
 * or 40 records, so most rotations fall inside a transaction), and {@code replay}.
 */
@ExtendWith(LocalStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TransactionPointsIT {
    private static final int ROWS_PER_TRANSACTION = 24;
    private static final int RESTORES_DURING_THE_BURST = 3;
    private static final String TABLE = "CREATE TABLE public.items (tenant_id text, id bigint, tx bigint, PRIMARY KEY (tenant_id, id))";

    private final String suffix = Integer.toString(ThreadLocalRandom.current().nextInt(1 << 24), 36);
    private final String tenant = "tx-" + suffix;
    private BackupChain chain;
    private Path work;

    @BeforeAll
    void startTheChain(LocalKafka kafka, LocalObjectStores stores) throws Exception {
        work = LocalStackExtension.workDir().resolve("transaction-points-" + suffix);
        Properties sink = new Properties();
        // fewer records than two transactions of the burst: most rotations split one, however the records arrive (a
        // whole transaction reaches the sink at once, so on a quiet machine the 300 ms age alone rarely splits one)
        sink.setProperty(SinkConfig.SEGMENT_MAX_RECORDS, "40");
        chain = BackupChain.start(kafka, stores, work, new Properties(), sink);
        chain.place(tenant);
    }

    @AfterAll
    void stopTheChain() throws InterruptedException {
        if (chain != null) {
            chain.close();
        }
    }

    @Test
    void latestNeverReturnsPartOfATransactionDuringABurstOfMultiSegmentTransactions(LocalKafka kafka, LocalPostgres pg,
            LocalObjectStores stores) throws Exception {
        String db = "tp_burst_" + suffix;
        pg.createDatabase(db);
        CaptureTestSetup.execute(pg, db, TABLE);
        List<Integer> restoredTransactions = new ArrayList<>();
        ExecutorService writers = Executors.newFixedThreadPool(2);
        try (CaptureService capture = CaptureService.start(CaptureTestSetup.config(CaptureTestSetup.properties(kafka, pg, db, "tp_burst_" + suffix, "public.items")),
                Clock.systemUTC())) {
            capture.awaitStreaming(Duration.ofSeconds(120));
            AtomicBoolean stop = new AtomicBoolean();
            Future<?> first = writers.submit(() -> writeTransactions(pg, db, 0, stop));
            Future<?> second = writers.submit(() -> writeTransactions(pg, db, 1, stop));
            chain.awaitDurable(tenant, 0, Duration.ofSeconds(60)); // the tenant has a backup
            for (int restore = 0; restore < RESTORES_DURING_THE_BURST; restore++) {
                if (restore > 0) {
                    // a restore can take less time than the durable point takes to move (three in 1 s saw the same point):
                    // the next one starts once the writers' transactions since the last are durable
                    chain.awaitDurable(tenant, micros(java.time.Instant.now()), Duration.ofSeconds(60));
                }
                Map<Long, Integer> rows = rowsPerTransaction(replayLatest("burst-" + restore));
                assertThat(rows).as("restore %d to latest during the burst: rows per transaction", restore)
                        .allSatisfy((tx, count) -> assertThat(count).as("rows of transaction %d", tx).isEqualTo(ROWS_PER_TRANSACTION));
                restoredTransactions.add(rows.size());
            }
            stop.set(true);
            first.get();
            second.get();
            Map<Long, Integer> source = sourceRowsPerTransaction(pg, db);
            // heartbeats carry the durable point past the last transaction
            Map<Long, Integer> all = Map.of();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            for (int restore = 0; !all.equals(source) && System.nanoTime() < deadline; restore++) {
                all = rowsPerTransaction(replayLatest("after-" + restore));
            }
            assertThat(all).as("once idle, latest holds every transaction, whole").isEqualTo(source);
        } finally {
            writers.shutdownNow();
        }
        int splits = assertEveryMarkCoversWholeTransactions(LocalStores.reader(stores.primary(), chain.primaryBucket()));
        System.out.printf("TransactionPointsIT: %d restores to latest during the burst, transactions restored: %s;"
                + " %d segment rotations split a cut time%n", restoredTransactions.size(), restoredTransactions, splits);
        assertThat(splits).as("the burst split transactions across segments").isPositive();
        assertThat(restoredTransactions.get(RESTORES_DURING_THE_BURST - 1)).as("restores saw the burst grow: %s", restoredTransactions)
                .isGreaterThan(restoredTransactions.get(0));
    }

    @Test
    void untilXidRestoresExactlyTheSourceAfterThatTransactionWithConcurrentTransactionsAroundIt(LocalKafka kafka, LocalPostgres pg)
            throws Exception {
        String xidTenant = "xid-" + suffix;
        chain.place(xidTenant);
        String db = "tp_xid_" + suffix;
        pg.createDatabase(db);
        CaptureTestSetup.execute(pg, db, "CREATE TABLE public.counters (tenant_id text, id int, v bigint, PRIMARY KEY (tenant_id, id))",
                "INSERT INTO public.counters SELECT '" + xidTenant + "', g, 0 FROM generate_series(1, 20) g");
        ExecutorService writers = Executors.newFixedThreadPool(2);
        long xid;
        List<String> expected = new ArrayList<>();
        try (CaptureService capture = CaptureService.start(CaptureTestSetup.config(CaptureTestSetup.properties(kafka, pg, db,
                "tp_xid_" + suffix, "public.counters")), Clock.systemUTC())) {
            capture.awaitStreaming(Duration.ofSeconds(120));
            AtomicBoolean stop = new AtomicBoolean();
            Future<?> first = writers.submit(() -> bumpCounters(pg, db, xidTenant, 1, stop));
            Future<?> second = writers.submit(() -> bumpCounters(pg, db, xidTenant, 2, stop));
            Thread.sleep(1500);
            try (Connection c = connect(pg, db); Statement s = c.createStatement()) {
                c.setAutoCommit(false);
                // every writer that wrote before commits first, none writes until this one commits: the state it reads is the
                // source's state right after its commit record
                s.execute("LOCK TABLE public.counters IN EXCLUSIVE MODE");
                s.execute("UPDATE public.counters SET v = v + 1000 WHERE tenant_id = '" + xidTenant + "' AND id % 5 = 0");
                try (ResultSet rs = s.executeQuery("SELECT txid_current()")) {
                    rs.next();
                    xid = rs.getLong(1);
                }
                try (ResultSet rs = s.executeQuery("SELECT id, v FROM public.counters WHERE tenant_id = '" + xidTenant + "' ORDER BY id")) {
                    while (rs.next()) {
                        expected.add(rs.getInt(1) + "|" + rs.getLong(2));
                    }
                }
                c.commit();
            }
            Thread.sleep(1500);
            stop.set(true);
            first.get();
            second.get();
            chain.awaitDurable(xidTenant, micros(java.time.Instant.now()), Duration.ofSeconds(60));
        } finally {
            writers.shutdownNow();
        }
        Path file = work.resolve("until-xid.ndjson");
        ToolRun replay = ToolRun.run(chain.toolConfig(), "replay", "--tenant", xidTenant, "--until-xid", Long.toString(xid),
                "--target", "ndjson", "--to", file.toString(), "--progress", "none");
        assertThat(replay.code()).as(replay.err()).isZero();
        assertThat(replay.out()).contains("restore point: transaction " + xid);
        List<String> restored = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(file)) {
            JsonNode row = json.readTree(line).get("row");
            restored.add(row.get("id").asInt() + "|" + row.get("v").asLong());
        }
        restored.sort(Comparator.comparingInt(r -> Integer.parseInt(r.substring(0, r.indexOf('|')))));
        assertThat(restored).as("the source right after transaction %d", xid).isEqualTo(expected);
        List<String> latest = new ArrayList<>();
        try (Connection c = connect(pg, db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, v FROM public.counters WHERE tenant_id = '" + xidTenant + "' ORDER BY id")) {
            while (rs.next()) {
                latest.add(rs.getInt(1) + "|" + rs.getLong(2));
            }
        }
        assertThat(latest).as("transactions after it changed the rows again").isNotEqualTo(expected);
        ToolRun both = ToolRun.run(chain.toolConfig(), "replay", "--tenant", xidTenant, "--until-xid", "5", "--until", "latest", "--dry-run");
        assertThat(both.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(both.err()).contains("more than one restore point given");
        // list points resolves the same point without restoring
        ToolRun points = ToolRun.run(chain.toolConfig(), "list", "points", "--tenant", xidTenant, "--until-xid", Long.toString(xid));
        assertThat(points.code()).as(points.err()).isZero();
        assertThat(points.out()).contains("restore point:       transaction " + xid + " at cut time");
        ToolRun malformed = ToolRun.run(chain.toolConfig(), "list", "points", "--tenant", xidTenant, "--until-lsn", "16B374D848");
        assertThat(malformed.code()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(malformed.err()).contains("malformed --until-lsn '16B374D848'").contains("X/Y in hex");
    }

    /** Small transactions on overlapping rows, one every 10 ms or so, until stopped (paced: the chain cuts segments of 40 records). */
    private Void bumpCounters(LocalPostgres pg, String db, String tenant, int step, AtomicBoolean stop) throws SQLException, InterruptedException {
        try (Connection c = connect(pg, db); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            for (int t = 0; !stop.get(); t++) {
                s.execute("UPDATE public.counters SET v = v + " + step + " WHERE tenant_id = '" + tenant + "' AND id IN ("
                        + (1 + t % 20) + ", " + (1 + (t * 7 + step) % 20) + ")");
                c.commit();
                Thread.sleep(10);
            }
        }
        return null;
    }

    private static long micros(java.time.Instant at) {
        return at.getEpochSecond() * 1_000_000 + at.getNano() / 1_000;
    }

    /** Transactions of 24 rows, each written in three statements 60 ms apart, until stopped: a segment's age often ends inside one. */
    private Void writeTransactions(LocalPostgres pg, String db, int writer, AtomicBoolean stop) throws SQLException, InterruptedException {
        try (Connection c = connect(pg, db); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            for (long t = 0; !stop.get(); t++) {
                long base = (t * 2 + writer) * ROWS_PER_TRANSACTION;
                for (int part = 0; part < 3; part++) {
                    long from = base + part * (ROWS_PER_TRANSACTION / 3);
                    s.execute("INSERT INTO public.items (tenant_id, id, tx) SELECT '" + tenant + "', g, txid_current() FROM generate_series("
                            + from + ", " + (from + ROWS_PER_TRANSACTION / 3 - 1) + ") g");
                    Thread.sleep(60);
                }
                c.commit();
            }
        }
        return null;
    }

    /**
     * Every durable mark the sink wrote during the burst, each a "latest" some restore could have
     * had: no segment beyond its committed offset (not durable when it was written) holds a change
     * with a cut time at or before its point, so a restore to it never missed the rest of a transaction.
     *
     * @return how many segments began with the cut time their predecessor on the partition ended with
     */
    private int assertEveryMarkCoversWholeTransactions(ObjectStore store) {
        TenantId id = TenantId.of(tenant);
        List<DurableMarkKey> marks = store.listAll(BackupLayout.marksPrefix(id), Optional.empty())
                .map(o -> BackupLayout.parseMark(o.key())).toList();
        List<SegmentKey> segments = store.listAll(BackupLayout.logPrefix(id), Optional.empty())
                .map(o -> BackupLayout.parseSegment(o.key())).sorted(Comparator.comparingLong(SegmentKey::firstOffset)).toList();
        assertThat(marks).isNotEmpty();
        for (DurableMarkKey mark : marks) {
            assertThat(segments).filteredOn(s -> s.partition() == mark.partition() && s.firstOffset() >= mark.committedOffset())
                    .as("segments not durable when mark %s was written", mark)
                    .allSatisfy(s -> assertThat(s.minCommitMicros()).as("first cut time of %s", s).isGreaterThan(mark.pointMicros()));
        }
        int splits = 0;
        for (int i = 1; i < segments.size(); i++) {
            SegmentKey previous = segments.get(i - 1);
            if (previous.partition() == segments.get(i).partition() && previous.maxCommitMicros() == segments.get(i).minCommitMicros()) {
                splits++;
            }
        }
        return splits;
    }

    /** A restore to latest into an NDJSON file of its own; empty while nothing of the tenant is proven whole yet. */
    private Optional<Path> replayLatest(String name) {
        Path file = work.resolve(name + ".ndjson");
        ToolRun run = ToolRun.run(chain.toolConfig(), "replay", "--tenant", tenant, "--until", "latest", "--target", "ndjson", "--to",
                file.toString(), "--progress", "none");
        if (run.code() == ExitCodes.BAD_INPUT && (run.err().contains("no transaction of it is proven whole")
                || run.err().contains("nothing to restore"))) {
            return Optional.empty();
        }
        assertThat(run.code()).as(run.err()).isZero();
        return Optional.of(file);
    }

    private static Map<Long, Integer> rowsPerTransaction(Optional<Path> ndjson) throws Exception {
        ObjectMapper json = new ObjectMapper();
        Map<Long, Integer> rows = new TreeMap<>();
        for (String line : ndjson.isEmpty() ? List.<String>of() : Files.readAllLines(ndjson.get())) {
            JsonNode row = json.readTree(line).get("row");
            rows.merge(row.get("tx").asLong(), 1, Integer::sum);
        }
        return rows;
    }

    private Map<Long, Integer> sourceRowsPerTransaction(LocalPostgres pg, String db) throws SQLException {
        Map<Long, Integer> rows = new TreeMap<>();
        try (Connection c = connect(pg, db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT tx, count(*) FROM public.items WHERE tenant_id = '" + tenant + "' GROUP BY tx")) {
            while (rs.next()) {
                rows.put(rs.getLong(1), rs.getInt(2));
            }
        }
        return rows;
    }

    private static Connection connect(LocalPostgres pg, String db) throws SQLException {
        return DriverManager.getConnection(pg.jdbcUrl(db), pg.user(), pg.password());
    }
}
