package dev.strata.restore.bench;

import dev.strata.local.LocalKafka;
import dev.strata.local.LocalObjectStores;
import dev.strata.local.LocalPostgres;
import dev.strata.restore.plan.RestoreTime;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * bench/rollback: a tenant of N rows (about 3 events per row, in two local Ceph regions) restored
 * whole into a fresh database with the CLI, timed: that database is then the "live" one. The bench
 * stands in for capture there: it creates a logical replication slot, changes 1% of the tenant's
 * rows (half updated, a quarter deleted, a quarter inserted) and writes those changes' events to the
 * backup, then moves the durable point on every second as capture's heartbeats would (Kafka runs
 * for the dead-letter topic the rollback asks: nothing is parked).
 * {@code rollback --until <the point before the changes>} puts them back, timed (the fast path: the
 * log after the point, the keys it names folded, staged and compared; the apply in one transaction).
 * The rows after the rollback must equal those restored. Usage: RollbackBenchmark [rows] [--replica-identity full]: under
 * FULL each changed row's event carries its whole old row, and the rollback stages those instead of reading the log
 * before the point; the default is DEFAULT, as a table with a primary key has it.
 */
public final class RollbackBenchmark {
    private static final long HEARTBEAT_MILLIS = 1_000;

    private RollbackBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long rows = 1_000_000;
        boolean full = false;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--replica-identity") && i + 1 < args.length && List.of("full", "default").contains(args[i + 1])) {
                full = args[++i].equals("full");
            } else if (args[i].matches("[0-9]+")) {
                rows = Long.parseLong(args[i]);
            } else {
                throw new IllegalArgumentException("unknown argument '" + args[i] + "': usage: bench/rollback [rows] [--replica-identity"
                        + " full|default]");
            }
        }
        long tenantRows = rows;
        boolean fullIdentity = full;
        BenchWorkDir.use("strata-bench-rollback", work -> run(tenantRows, fullIdentity, work));
    }

    private static void run(long rows, boolean full, Path work) throws Exception {
        try (LocalPostgres pg = LocalPostgres.start(work); LocalObjectStores stores = LocalObjectStores.start(work);
             LocalKafka kafka = LocalKafka.start(work); BenchBackup backup = BenchBackup.open(stores, work)) {
            BenchRows log = new BenchRows(rows, RestoreTime.parse("2026-11-21T06:00:00Z"), 3L * 3_600_000_000L);
            backup.write(log);
            long point = log.commitMicrosOf(log.events() - 1);
            Path config = BenchBackup.toolConfig(stores, kafka, work); // Kafka: the fast path asks it for parked changes
            CliRestore restored = CliRestore.run(pg, config, "bench_live");
            execute(pg, "SELECT pg_create_logical_replication_slot('strata_bench', 'pgoutput')");
            BenchChanges changes = BenchChanges.apply(pg, "bench_live", log, full);
            backup.append(changes.events());
            if (CliRestore.checksum(pg, "bench_live").equals(restored.checksum())) {
                throw new IllegalStateException("the changes did not change the table");
            }

            ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor();
            heartbeats.scheduleAtFixedRate(() -> backup.heartbeat(dbNowMicros(pg)), 0, HEARTBEAT_MILLIS, TimeUnit.MILLISECONDS);
            ToolRun run;
            try {
                run = ToolRun.of("--config", config.toString(), "rollback", "--tenant", BenchRows.TENANT, "--until",
                    RestoreTime.format(point), "--to", pg.jdbcUrl("bench_live"), "--user", pg.user(), "--confirm", BenchRows.TENANT);
            } finally {
                heartbeats.shutdownNow();
            }
            double rollback = run.seconds();
            double rollbackCpu = run.cpuSeconds();
            System.out.print(run.out());
            if (run.code() != 0) {
                throw new IllegalStateException("the rollback failed with exit code " + run.code());
            }
            String after = CliRestore.checksum(pg, "bench_live");
            if (!after.equals(restored.checksum())) {
                throw new IllegalStateException("the rolled back table differs from the restored one: " + after + " vs " + restored.checksum());
            }
            long changed = changes.events().size();
            double restore = restored.seconds();
            System.out.printf(Locale.ROOT, "restore of the whole tenant into a fresh database: %.2f s (%s); rollback of %,d changed rows"
                    + " (%.1f%%, REPLICA IDENTITY %s): %.2f s; ratio %.2fx; rows after the rollback equal the restored ones (md5 %s)%n",
                    restore, restored.phases(), changed, 100.0 * changed / rows, full ? "FULL" : "DEFAULT", rollback, rollback / restore, after);
            // the tool's own CPU (its JVM; PostgreSQL and Ceph are other processes): steadier than wall time on a loaded machine
            System.out.printf(Locale.ROOT, "CPU of the tool's JVM (%s): restore %.1f s, rollback %.1f s (%.2fx)%n", ToolRun.mode(),
                    restored.cpuSeconds(), rollbackCpu, rollbackCpu / restored.cpuSeconds());
            System.out.println();
            System.out.println("README row:");
            System.out.printf(Locale.ROOT, "| rollback: a tenant of %,d rows, %,d of them changed since the point (REPLICA IDENTITY %s),"
                    + " vs a restore of the whole tenant into a fresh database, same run | <= 0.3x | %.2fx: rollback %.1f s, restore %.1f s"
                    + " (%s, 2 cores shared) | `bench/rollback%s` |%n", rows, changed, full ? "FULL" : "DEFAULT", rollback / restore, rollback,
                    restore, LocalDate.now(ZoneOffset.UTC), full ? " --replica-identity full" : "");
        }
    }

    /** The live database's clock: what its commit times are taken from, and what the durable point must reach. */
    private static long dbNowMicros(LocalPostgres pg) {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl("bench_live"), pg.user(), pg.password());
             Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint")) {
            r.next();
            return r.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the live database's clock: " + e.getMessage(), e);
        }
    }

    private static void execute(LocalPostgres pg, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl("bench_live"), pg.user(), pg.password());
             Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
