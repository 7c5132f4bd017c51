package dev.strata.restore.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Connections that change the same rows of two tenants at once, and commit together: each waits,
 * holding its row locks, for the next tick of a shared {@value #TICK_MILLIS} ms clock, so those
 * ready by then commit at the same moment (one waiting for another's row lock commits a tick later).
 * A backend takes its commit time before it inserts its commit record, so commits that race are
 * where commit times stop following WAL order: the times a restore point is easiest to get wrong.
 * Racing alone makes few (none among 3,618 commits in one run here); a WAL switch every
 * {@value #WAL_SWITCH_MILLIS} ms makes more: it holds every WAL insertion lock while it fills the
 * rest of its segment, so the commits that took their time meanwhile insert their records in
 * whatever order they wake up. Row locks are always taken in (tenant, id) order, and
 * every insert resolves its conflict, so no transaction aborts: an abort record is a stop point
 * of PostgreSQL's recovery that no change event carries.
 */
public final class GatedCommitWorkload {
    public static final String SCHEMA = String.join(";\n",
            "CREATE TABLE public.accounts (tenant_id text NOT NULL, id int NOT NULL, balance bigint NOT NULL DEFAULT 0,"
                    + " owner text, updated timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (tenant_id, id))",
            "CREATE TABLE public.ledger (id bigserial PRIMARY KEY, tenant_id text NOT NULL, account int NOT NULL,"
                    + " amount numeric(12,2) NOT NULL, note text, at timestamptz DEFAULT clock_timestamp())",
            // its key has no tenant: deletes must carry the whole row for capture to know whose they are
            "ALTER TABLE public.ledger REPLICA IDENTITY FULL");
    public static final List<String> TABLES = List.of("public.accounts", "public.ledger");
    /** Few keys for many connections: transactions often wait for another's row lock. */
    private static final int ACCOUNTS = 100;
    private static final long TICK_MILLIS = 5;
    private static final long WAL_SWITCH_MILLIS = 1000;

    private final String url;
    private final String user;
    private final List<String> tenants;
    private final int connections;
    private final AtomicLong committed = new AtomicLong();

    public GatedCommitWorkload(String url, String user, List<String> tenants, int connections) {
        this.url = url;
        this.user = user;
        this.tenants = tenants.stream().sorted().toList();
        this.connections = connections;
    }

    /** Each tenant's accounts, before anything is captured or backed up. */
    public void seed() throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, ""); Statement s = c.createStatement()) {
            for (String tenant : tenants) {
                s.execute("INSERT INTO public.accounts (tenant_id, id, balance, owner) SELECT '" + tenant + "', g, 1000, 'owner ' || g"
                        + " FROM generate_series(1, " + ACCOUNTS + ") g");
            }
        }
    }

    /** Runs every connection for {@code duration}; any failed statement fails the run. Returns the transactions committed. */
    public long run(Duration duration, long seed) throws Exception {
        long before = committed.get();
        long deadline = System.nanoTime() + duration.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(connections + 1);
        try {
            List<Future<?>> running = new ArrayList<>();
            running.add(pool.submit(() -> {
                switchWal(deadline);
                return null;
            }));
            for (int i = 0; i < connections; i++) {
                Random random = new Random(seed * 31 + i);
                running.add(pool.submit(() -> {
                    connection(random, deadline);
                    return null;
                }));
            }
            for (Future<?> connection : running) {
                connection.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return committed.get() - before;
    }

    private void connection(Random random, long deadline) throws SQLException, InterruptedException {
        try (Connection c = DriverManager.getConnection(url, user, "")) {
            c.setAutoCommit(false);
            while (System.nanoTime() < deadline) {
                transaction(c, random);
                awaitTick();
                c.commit();
                committed.incrementAndGet();
                Thread.sleep(random.nextInt(3));
            }
        }
    }

    /** Until the next multiple of the tick on the shared nanosecond clock. */
    private static void awaitTick() {
        long tick = TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS);
        long now = System.nanoTime();
        LockSupport.parkNanos(Math.floorDiv(now, tick) * tick + tick - now);
    }

    private void switchWal(long deadline) throws SQLException, InterruptedException {
        try (Connection c = DriverManager.getConnection(url, user, ""); Statement s = c.createStatement()) {
            while (System.nanoTime() < deadline) {
                Thread.sleep(WAL_SWITCH_MILLIS);
                s.execute("SELECT pg_switch_wal()");
            }
        }
    }

    private void transaction(Connection c, Random random) throws SQLException {
        String tenant = tenants.get(random.nextInt(tenants.size()));
        int dice = random.nextInt(100);
        if (dice < 55) {
            transfer(c, random, tenant);
        } else if (dice < 65) {
            for (String each : tenants) { // one transaction, every tenant: each restore gets its part
                transfer(c, random, each);
            }
        } else if (dice < 77) {
            int id = 1 + random.nextInt(ACCOUNTS);
            update(c, "DELETE FROM public.accounts WHERE tenant_id = ? AND id = ?", tenant, id);
            reopen(c, tenant, id, "reopened");
        } else if (dice < 90) {
            reopen(c, tenant, 1 + random.nextInt(ACCOUNTS), "upserted");
        } else {
            update(c, "DELETE FROM public.ledger WHERE id = (SELECT min(id) FROM public.ledger WHERE tenant_id = ?)", tenant);
        }
    }

    /** Two accounts of one tenant, the lower id locked first; and their two ledger lines. */
    private void transfer(Connection c, Random random, String tenant) throws SQLException {
        int a = 1 + random.nextInt(ACCOUNTS);
        int b = 1 + (a + random.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
        int amount = 1 + random.nextInt(500);
        update(c, "UPDATE public.accounts SET balance = balance - ?, updated = now() WHERE tenant_id = ? AND id = ?",
                amount, tenant, Math.min(a, b));
        update(c, "UPDATE public.accounts SET balance = balance + ?, updated = now() WHERE tenant_id = ? AND id = ?",
                amount, tenant, Math.max(a, b));
        try (PreparedStatement ledger = c.prepareStatement("INSERT INTO public.ledger (tenant_id, account, amount, note)"
                + " VALUES (?, ?, ?::numeric / 100, 'to ' || ?), (?, ?, ?::numeric / 100, 'from ' || ?)")) {
            Object[] values = {tenant, Math.min(a, b), -amount, Math.max(a, b), tenant, Math.max(a, b), amount, Math.min(a, b)};
            for (int i = 0; i < values.length; i++) {
                ledger.setObject(i + 1, values[i]);
            }
            ledger.executeUpdate();
        }
    }

    private static void reopen(Connection c, String tenant, int id, String owner) throws SQLException {
        update(c, "INSERT INTO public.accounts (tenant_id, id, owner) VALUES (?, ?, ?) ON CONFLICT (tenant_id, id)"
                + " DO UPDATE SET owner = excluded.owner, balance = accounts.balance + 1, updated = now()", tenant, id, owner);
    }

    private static void update(Connection c, String sql, Object... values) throws SQLException {
        try (PreparedStatement statement = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                statement.setObject(i + 1, values[i]);
            }
            statement.executeUpdate();
        }
    }
}
