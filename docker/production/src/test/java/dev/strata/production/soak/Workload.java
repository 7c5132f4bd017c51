package dev.strata.production.soak;

import dev.strata.schemas.avro.Op;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The multi-tenant load: one writer per source database, each committing transactions of 10 row changes (6 inserts,
 * 3 updates, 1 delete) for its tenants in turn at an even pace, and once a second a marker row per tenant whose commit
 * time {@link MarkerLatency} follows to durable-in-both. Every change whose commit returned is recorded in the ledger.
 * Transactions hold a read lock; {@link #pointAtNextSecond} takes the write lock to see the source still.
 */
final class Workload implements AutoCloseable {
    private static final int CHANGES_PER_TRANSACTION = 10;
    private final SourceDatabases sources;
    private final int changesPerSecond;
    private final MarkerLatency markers;
    private final Clock clock;
    private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
    private final Map<String, java.util.Set<Long>> ledger = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong committed = new AtomicLong();
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<Future<?>> loops = new ArrayList<>();

    Workload(SourceDatabases sources, int changesPerSecond, MarkerLatency markers, Clock clock) {
        this.sources = sources;
        this.changesPerSecond = changesPerSecond;
        this.markers = markers;
        this.clock = clock;
        sources.tenants().forEach(t -> ledger.put(t.id(), ConcurrentHashMap.newKeySet()));
    }

    void start() {
        Duration pace = Duration.ofNanos(TimeUnit.SECONDS.toNanos(1) * CHANGES_PER_TRANSACTION * SourceDatabases.IDS.size() / changesPerSecond);
        for (String id : SourceDatabases.IDS) {
            String database = SourceDatabases.database(id);
            loops.add(threads.submit(() -> {
                writeLoop(database, pace);
                return null;
            }));
        }
        loops.add(threads.submit(() -> {
            markerLoop();
            return null;
        }));
    }

    private void writeLoop(String database, Duration pace) throws SQLException, InterruptedException {
        List<TenantRows> rows = sources.tenantsOf(database).stream().map(TenantRows::new).toList();
        Random random = new Random(database.hashCode());
        long due = System.nanoTime();
        try (Connection db = sources.connect(database); Statement sql = db.createStatement()) {
            db.setAutoCommit(false);
            for (int n = 0; running.get(); n++) {
                TenantRows tenant = rows.get(n % rows.size());
                gate.readLock().lock();
                try {
                    List<Long> changes = tenant.nextTransaction(sql, random);
                    db.commit();
                    tenant.committed();
                    ledger.get(tenant.tenant.id()).addAll(changes);
                    committed.addAndGet(changes.size());
                } finally {
                    gate.readLock().unlock();
                }
                // an even pace that does not burst to catch up after a pause
                due = Math.max(due + pace.toNanos(), System.nanoTime() - pace.toNanos());
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            }
        }
    }

    private void markerLoop() throws SQLException, InterruptedException {
        Map<String, Connection> connections = new HashMap<>();
        Map<String, Long> nextId = new HashMap<>();
        try {
            for (String id : SourceDatabases.IDS) {
                Connection db = sources.connect(SourceDatabases.database(id));
                db.setAutoCommit(false);
                connections.put(SourceDatabases.database(id), db);
            }
            while (running.get()) {
                for (SoakTenant tenant : sources.tenants()) {
                    long id = nextId.merge(tenant.id(), 1L, Long::sum);
                    Connection db = connections.get(tenant.database());
                    gate.readLock().lock();
                    try (Statement sql = db.createStatement()) {
                        sql.executeUpdate("insert into public.markers values (" + tenant.tenantValue() + id + ", 'marker')");
                        db.commit();
                        ledger.get(tenant.id()).add(ChangeId.of(ChangeId.MARKERS, Op.CREATE, id, 0));
                        try (ResultSet commit = sql.executeQuery("select (extract(epoch from pg_xact_commit_timestamp(xmin)) * 1000000)::bigint"
                                + " from public.markers where " + tenant.tenantPredicate() + "id = " + id)) {
                            commit.next();
                            markers.committed(tenant.id(), commit.getLong(1));
                        }
                        db.commit();
                    } finally {
                        gate.readLock().unlock();
                    }
                }
                Thread.sleep(1_000);
            }
        } finally {
            for (Connection db : connections.values()) {
                db.close();
            }
        }
    }

    /**
     * Stops every transaction, takes the next whole second T after the last commit, waits until T has passed, records
     * every tenant's checksums (the source at T: all commits before are in, none after), then lets the load go on.
     */
    SourcePoint pointAtNextSecond(String name) throws SQLException, InterruptedException {
        gate.writeLock().lock();
        try {
            Instant at = Instant.ofEpochSecond(clock.instant().getEpochSecond() + 1);
            long wait = Duration.between(clock.instant(), at).toMillis() + 20;
            Thread.sleep(Math.max(0, wait));
            Map<String, Map<String, String>> sums = new LinkedHashMap<>();
            for (SoakTenant tenant : sources.tenants()) {
                sums.put(tenant.id(), sources.checksums(tenant, tenant.database()));
            }
            return new SourcePoint(name, at, sums);
        } finally {
            gate.writeLock().unlock();
        }
    }

    /** Every row change committed for the tenant (markers included). */
    java.util.Set<Long> ledger(String tenant) {
        return ledger.get(tenant);
    }

    long committedChanges() {
        return committed.get();
    }

    /** Stops the load and fails if a writer failed (the source is not faulted, so a failed commit is a defect here). */
    @Override
    public void close() throws Exception {
        running.set(false);
        try {
            for (Future<?> loop : loops) {
                loop.get(60, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
    }

    /** One tenant's rows as its writer knows them: the ids alive and each one's version. Used by one thread only. */
    private static final class TenantRows {
        private final SoakTenant tenant;
        private final List<Long> live = new ArrayList<>();
        private final Map<Long, Integer> versions = new HashMap<>();
        private long nextId = 1;
        private final List<Long> pendingInserts = new ArrayList<>();
        private final Map<Long, Integer> pendingUpdates = new HashMap<>();
        private int pendingDeleteIndex = -1;

        TenantRows(SoakTenant tenant) {
            this.tenant = tenant;
        }

        /** Runs the transaction's statements (not its commit) and returns the changes it makes. */
        List<Long> nextTransaction(Statement sql, Random random) throws SQLException {
            pendingInserts.clear();
            pendingUpdates.clear();
            pendingDeleteIndex = -1;
            List<Long> changes = new ArrayList<>(CHANGES_PER_TRANSACTION);
            StringBuilder statements = new StringBuilder("insert into public.orders values ");
            for (int i = 0; i < 6; i++) {
                long id = nextId + i;
                statements.append(i == 0 ? "" : ", ").append('(').append(tenant.tenantValue()).append(id).append(", 0, 'item-")
                        .append(id % 97).append("', ").append(1 + id % 5).append(", ").append(id % 10_000).append(".25)");
                pendingInserts.add(id);
                changes.add(ChangeId.of(ChangeId.ORDERS, Op.CREATE, id, 0));
            }
            if (live.size() > 20) {
                List<Long> updated = new ArrayList<>();
                while (updated.size() < 3) {
                    long id = live.get(random.nextInt(live.size()));
                    if (!updated.contains(id)) {
                        updated.add(id);
                        pendingUpdates.put(id, versions.get(id) + 1);
                        changes.add(ChangeId.of(ChangeId.ORDERS, Op.UPDATE, id, versions.get(id) + 1));
                    }
                }
                statements.append("; update public.orders set version = version + 1, qty = qty + 1 where ").append(tenant.tenantPredicate())
                        .append("id in (").append(updated.stream().map(String::valueOf).reduce((a, b) -> a + ", " + b).orElseThrow()).append(')');
                int index;
                do {
                    index = random.nextInt(live.size());
                } while (updated.contains(live.get(index)));
                long deleted = live.get(index);
                pendingDeleteIndex = index;
                changes.add(ChangeId.of(ChangeId.ORDERS, Op.DELETE, deleted, 0));
                statements.append("; delete from public.orders where ").append(tenant.tenantPredicate()).append("id = ").append(deleted);
            }
            sql.execute(statements.toString());
            return changes;
        }

        /** The transaction committed: its rows are what the writer knows from now on. */
        void committed() {
            for (long id : pendingInserts) {
                live.add(id);
                versions.put(id, 0);
            }
            nextId += pendingInserts.size();
            versions.putAll(pendingUpdates);
            if (pendingDeleteIndex >= 0) {
                // swap with the last: O(1), and the order of the live ids does not matter
                versions.remove(live.get(pendingDeleteIndex));
                live.set(pendingDeleteIndex, live.get(live.size() - 1));
                live.remove(live.size() - 1);
            }
        }
    }
}
