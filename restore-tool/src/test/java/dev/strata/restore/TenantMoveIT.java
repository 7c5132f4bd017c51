package dev.strata.restore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.capture.CaptureService;
import dev.strata.capture.CaptureTestSetup;
import dev.strata.local.LocalKafka;
import dev.strata.local.LocalObjectStores;
import dev.strata.local.LocalPostgres;
import dev.strata.local.LocalRegion;
import dev.strata.local.LocalStackExtension;
import dev.strata.local.StoreRole;
import dev.strata.restore.plan.RestoreTime;
import dev.strata.restore.testing.BackupChain;
import dev.strata.restore.testing.ToolRun;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.layout.KeyStoreLayout;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.StoreCredentials;
import dev.strata.schemas.store.StoreLocation;
import dev.strata.schemas.store.VersionPolicy;
import dev.strata.schemas.store.s3.S3ObjectStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code tenants move} on real servers, as a user runs it: capture (Debezium on PostgreSQL), the router for two regimes,
 * one sink per regime, both Ceph regions. Two tenants write all along, during the move too, the other one into the
 * regime the first moves to; the moved one has an erasure ledger entry. The moved tenant restores from the new regime to a point before the move and to the end, equal to the
 * source (the erased row left out at both), nothing of it opens in the old regime any more, and the other tenant is
 * untouched.
 */
@ExtendWith(LocalStackExtension.class)
class TenantMoveIT {
    private static final String SUM = "SELECT coalesce(md5(string_agg(t::text, '' ORDER BY id)), 'none') || ':' || count(*)"
            + " FROM public.items t WHERE tenant_id = ? AND id <> ?";

    private final String suffix = Integer.toString(ThreadLocalRandom.current().nextInt(1 << 24), 36);
    private final String alpha = "mv-alpha-" + suffix;
    private final String beta = "mv-beta-" + suffix;

    /** A whole second and what each tenant's rows were at it (the ledger's erased row left out). */
    private record Point(long micros, String alpha, String beta) {
    }

    @Test
    void aTenantMovesWithItsHistoryWhileItAndAnotherKeepWriting(LocalKafka kafka, LocalObjectStores stores, LocalPostgres pg)
            throws Exception {
        String db = "mv_source_" + suffix;
        pg.createDatabase(db);
        CaptureTestSetup.execute(pg, db, "CREATE TABLE public.items (id serial PRIMARY KEY, tenant_id text NOT NULL, v int NOT NULL,"
                + " label text)", "ALTER TABLE public.items REPLICA IDENTITY FULL");
        long started = System.nanoTime();
        try (BackupChain chain = BackupChain.start(kafka, stores, LocalStackExtension.workDir().resolve("move-" + suffix), new Properties(),
                new Properties(), 2)) {
            String from = chain.regimes().get(0);
            String to = chain.regimes().get(1);
            chain.place(alpha, from);
            // the other tenant writes into the regime alpha moves to: the router keeps transactions open on its topic all along
            chain.place(beta, to);
            try (CaptureService capture = CaptureService.start(CaptureTestSetup.config(CaptureTestSetup.properties(kafka, pg, db, db,
                    "public.items")), Clock.systemUTC()); Writer writer = new Writer(pg, db)) {
                capture.awaitStreaming(Duration.ofSeconds(120));
                long erased = writer.seed();
                writer.start();
                Thread.sleep(1500);
                Point before = writer.point(erased);
                chain.awaitDurable(alpha, before.micros(), Duration.ofSeconds(60));
                ToolRun ledger = ToolRun.run(chain.toolConfig(), "erasures", "add", "--tenant", alpha, "--table", "public.items", "--key",
                        "id=" + erased, "--reason", "test: a person asked");
                assertThat(ledger.code()).as(ledger.err()).isZero();

                ToolRun withoutHistory = ToolRun.run(chain.toolConfig(), "tenants", "move", alpha, "--to", to, "--confirm", alpha);
                assertThat(withoutHistory.code()).isEqualTo(ExitCodes.BAD_INPUT);
                assertThat(withoutHistory.err()).contains("--with-history").contains("--allow-move");
                ToolRun unconfirmed = ToolRun.run(chain.toolConfig(), "tenants", "move", alpha, "--to", to, "--with-history");
                assertThat(unconfirmed.code()).isEqualTo(ExitCodes.BAD_INPUT);
                assertThat(unconfirmed.err()).contains("--confirm " + alpha);
                ToolRun unknown = ToolRun.run(chain.toolConfig(), "tenants", "move", alpha, "--to", "nowhere", "--with-history", "--confirm",
                        alpha);
                assertThat(unknown.code()).isEqualTo(ExitCodes.BAD_INPUT);
                assertThat(unknown.err()).contains("'nowhere'");

                long moveStarted = System.nanoTime();
                long transactionsBefore = writer.transactions();
                ToolRun move = ToolRun.run(chain.toolConfig(), "tenants", "move", alpha, "--to", to, "--with-history", "--confirm", alpha,
                        "--by", "ops", "--reason", "law changed");
                long moveMillis = (System.nanoTime() - moveStarted) / 1_000_000;
                System.out.print(move.out());
                assertThat(move.code()).as(move.out() + move.err()).isZero();
                assertThat(move.out()).contains("1/6", "2/6", "3/6", "4/6", "5/6", "6/6").contains("copied 1 erasure ledger entry")
                        .contains("moved tenant " + alpha + " from regime " + from + " to " + to + " with its history");
                long transactionsDuring = writer.transactions() - transactionsBefore;
                assertThat(transactionsDuring).as("writes went on during the move").isPositive();
                Thread.sleep(1500);
                Point end = writer.point(erased);
                writer.close();
                chain.awaitDurable(alpha, end.micros(), Duration.ofSeconds(60));
                chain.awaitDurable(beta, end.micros(), Duration.ofSeconds(60));
                assertThat(capture.streaming()).isTrue();

                assertThat(restore(chain, pg, alpha, before.micros(), erased)).as("from %s, a point before the move", to)
                        .isEqualTo(before.alpha());
                assertThat(restore(chain, pg, alpha, end.micros(), erased)).as("from %s, the end", to)
                        .isEqualTo(end.alpha());
                assertThat(restore(chain, pg, beta, end.micros(), erased)).as("the tenant that stayed")
                        .isEqualTo(end.beta());

                ToolRun left = ToolRun.run(chain.toolConfig(), "replay", "--tenant", alpha, "--regime", from, "--until",
                        RestoreTime.format(before.micros()), "--dry-run");
                assertThat(left.code()).as(left.err()).isEqualTo(ExitCodes.ERASED);
                assertThat(left.err()).contains("was moved to regime " + to).contains("by ops (law changed)");
                for (LocalRegion region : List.of(stores.primary(), stores.backup())) {
                    String bucket = from + (region == stores.primary() ? "-primary" : "-backup") + LocalRegion.KEYS_BUCKET_SUFFIX;
                    assertThat(keysOf(region, bucket, alpha)).as("alpha's data keys in %s", bucket).isEmpty();
                }
                assertThat(ToolRun.run(chain.toolConfig(), "tenants", "list").out()).containsPattern(alpha + "\\s+" + to + "\n");
                ToolRun again = ToolRun.run(chain.toolConfig(), "tenants", "move", alpha, "--to", to, "--with-history", "--confirm", alpha);
                assertThat(again.code()).as(again.err()).isZero();
                assertThat(again.out()).contains("placed in " + to + " already");
                System.out.printf("TenantMoveIT: move %d ms during %d transactions of two tenants; whole test %d ms%n", moveMillis,
                        transactionsDuring, (System.nanoTime() - started) / 1_000_000);
            }
        }
    }

    /** Restores the tenant into a fresh database and returns its rows' checksum there. */
    private String restore(BackupChain chain, LocalPostgres pg, String tenant, long micros, long erased) throws SQLException {
        String target = "mv_r_" + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 24), 36);
        pg.createDatabase(target);
        ToolRun replay = ToolRun.run(chain.toolConfig(), "replay", "--tenant", tenant, "--until", RestoreTime.format(micros), "--to",
                pg.jdbcUrl(target), "--progress", "none");
        assertThat(replay.code()).as(replay.err()).isZero();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(target), pg.user(), pg.password());
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM public.items WHERE id = " + erased)) {
            rs.next();
            assertThat(rs.getLong(1)).as("the row the erasure ledger names, in %s's restore", tenant).isZero();
            return sum(c, tenant, erased);
        }
    }

    private static String sum(Connection c, String tenant, long erased) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(SUM)) {
            s.setString(1, tenant);
            s.setLong(2, erased);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private static List<String> keysOf(LocalRegion region, String bucket, String tenant) {
        try (ObjectStore keys = S3ObjectStore.open(new StoreLocation(region.endpoint(), bucket, region.signingRegion()),
                StoreCredentials.fromFile(region.credentialsFile(StoreRole.READER)), VersionPolicy.LATEST_VERSION)) {
            return keys.listAll(KeyStoreLayout.tenantPrefix(TenantId.of(tenant)), Optional.empty()).map(o -> o.key().value()).toList();
        }
    }

    /** Both tenants' small transactions, one after another, until closed; paused while a point is taken. */
    private final class Writer implements AutoCloseable {
        private final Connection connection;
        private final ReentrantLock turn = new ReentrantLock();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicReference<Exception> failed = new AtomicReference<>();
        private final Random random = new Random(7);
        private final List<Long> ids = new ArrayList<>();
        private final Thread thread = new Thread(this::run, "mv-writer");
        private volatile long transactions;

        Writer(LocalPostgres pg, String db) throws SQLException {
            connection = DriverManager.getConnection(pg.jdbcUrl(db), pg.user(), pg.password());
        }

        /** A few rows of each tenant no later change touches; returns one of alpha's, for the erasure ledger. */
        long seed() throws SQLException {
            long first = -1;
            try (Statement s = connection.createStatement()) {
                for (int i = 0; i < 3; i++) {
                    for (String tenant : List.of(alpha, beta)) {
                        try (ResultSet rs = s.executeQuery("INSERT INTO public.items (tenant_id, v, label) VALUES ('" + tenant + "', " + i
                                + ", 'seed') RETURNING id")) {
                            rs.next();
                            first = first < 0 ? rs.getLong(1) : first;
                        }
                    }
                }
            }
            return first;
        }

        void start() {
            thread.start();
        }

        private void run() {
            while (running.get()) {
                turn.lock();
                try {
                    transaction();
                    transactions++;
                } catch (SQLException e) {
                    failed.compareAndSet(null, e);
                    return;
                } finally {
                    turn.unlock();
                }
                LockSupport.parkNanos(Duration.ofMillis(5).toNanos()); // a steady load, not as fast as two cores allow
            }
        }

        private void transaction() throws SQLException {
            String tenant = random.nextBoolean() ? alpha : beta;
            try (Statement s = connection.createStatement()) {
                int dice = random.nextInt(10);
                if (ids.size() < 5 || dice < 5) {
                    try (ResultSet rs = s.executeQuery("INSERT INTO public.items (tenant_id, v, label) VALUES ('" + tenant + "', "
                            + random.nextInt(1000) + ", 'row " + transactions + "') RETURNING id")) {
                        rs.next();
                        ids.add(rs.getLong(1));
                    }
                } else if (dice < 8) {
                    s.executeUpdate("UPDATE public.items SET v = v + 1, label = label || '+' WHERE id = " + ids.get(random.nextInt(ids.size())));
                } else {
                    s.executeUpdate("DELETE FROM public.items WHERE id = " + ids.remove(random.nextInt(ids.size())));
                }
            }
        }

        /** Pauses the writes, waits for the next whole second, and returns it with both tenants' rows then. */
        Point point(long erased) throws Exception {
            assertThat(failed.get()).as("the writer").isNull();
            turn.lock();
            try {
                String a = sum(connection, alpha, erased);
                String b = sum(connection, beta, erased);
                long now = RestoreTime.micros(Instant.now());
                long second = (now / 1_000_000 + 1) * 1_000_000;
                Thread.sleep((second - now) / 1000 + 20);
                return new Point(second, a, b);
            } finally {
                turn.unlock();
            }
        }

        long transactions() {
            return transactions;
        }

        @Override
        public void close() throws Exception {
            running.set(false);
            thread.join();
            connection.close();
            assertThat(failed.get()).as("the writer").isNull();
        }
    }
}
