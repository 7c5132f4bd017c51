package dev.strata.restore.bench;

import dev.strata.local.LocalObjectStores;
import dev.strata.local.LocalPostgres;
import dev.strata.restore.RestoreTool;
import dev.strata.restore.plan.RestoreTime;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;

/**
 * bench/rollback: a tenant of N rows (about 3 events per row, in two local Ceph regions) restored
 * whole into a fresh database with the CLI, timed: that database is then the "live" one; 1% of the
 * tenant's rows change there (half updated, a quarter deleted, a quarter inserted), and
 * {@code rollback --until latest} puts them back, timed (read, fold and staging, the difference,
 * the apply in one transaction). The rows after the rollback must equal those restored. Usage:
 * RollbackBenchmark [rows].
 */
public final class RollbackBenchmark {
    private RollbackBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long rows = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
        BenchWorkDir.use("strata-bench-rollback", work -> run(rows, work));
    }

    private static void run(long rows, Path work) throws Exception {
        try (LocalPostgres pg = LocalPostgres.start(work); LocalObjectStores stores = LocalObjectStores.start(work)) {
            BenchRows log = new BenchRows(rows, RestoreTime.parse("2026-11-21T06:00:00Z"), 3L * 3_600_000_000L);
            try (BenchBackup backup = BenchBackup.open(stores, work)) {
                backup.write(log);
            }
            Path config = BenchBackup.toolConfig(stores, work);
            CliRestore restored = CliRestore.run(pg, config, "bench_live");
            long changed = changeOnePercent(pg, rows);
            if (CliRestore.checksum(pg, "bench_live").equals(restored.checksum())) {
                throw new IllegalStateException("the changes did not change the table");
            }

            StringWriter out = new StringWriter();
            long start = System.nanoTime();
            int code = RestoreTool.run(new String[] {"--config", config.toString(), "rollback", "--tenant", BenchRows.TENANT, "--until",
                "latest", "--to", pg.jdbcUrl("bench_live"), "--user", pg.user(), "--confirm", BenchRows.TENANT},
                    new PrintWriter(out, true), new PrintWriter(System.err, true));
            double rollback = (System.nanoTime() - start) / 1e9;
            System.out.print(out);
            if (code != 0) {
                throw new IllegalStateException("the rollback failed with exit code " + code);
            }
            String after = CliRestore.checksum(pg, "bench_live");
            if (!after.equals(restored.checksum())) {
                throw new IllegalStateException("the rolled back table differs from the restored one: " + after + " vs " + restored.checksum());
            }
            double restore = restored.seconds();
            System.out.printf(Locale.ROOT, "restore of the whole tenant into a fresh database: %.2f s (%s); rollback of %,d changed rows"
                    + " (%.1f%%): %.2f s; ratio %.2fx; rows after the rollback equal the restored ones (md5 %s)%n", restore,
                    restored.phases(), changed, 100.0 * changed / rows, rollback, rollback / restore, after);
            System.out.println();
            System.out.println("README row:");
            System.out.printf(Locale.ROOT, "| rollback: a tenant of %,d rows, %,d of them changed since the point, vs a restore of the whole"
                    + " tenant into a fresh database, same run | <= 0.3x | %.2fx: rollback %.1f s, restore %.1f s (%s, 2 cores shared)"
                    + " | `bench/rollback` |%n", rows, changed, rollback / restore, rollback, restore, LocalDate.now(ZoneOffset.UTC));
        }
    }

    /** Updates 0.5%, deletes 0.25% and inserts 0.25% of {@code rows}, spread over the table; returns how many rows changed. */
    private static long changeOnePercent(LocalPostgres pg, long rows) throws Exception {
        long step = 200; // every 200th row: 0.5%
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl("bench_live"), pg.user(), pg.password());
             Statement s = c.createStatement()) {
            long updated = s.executeUpdate("UPDATE public.items SET qty = qty + 1, note = 'changed' WHERE id % " + step + " = 0");
            long deleted = s.executeUpdate("DELETE FROM public.items WHERE id % " + (2 * step) + " = 7");
            long inserted = s.executeUpdate("INSERT INTO public.items SELECT " + rows + " * 2 + g, '" + BenchRows.TENANT + "', 'new', 1, 1.0,"
                    + " now(), true, 'inserted' FROM generate_series(1, " + rows / (2 * step) + ") g");
            return updated + deleted + inserted;
        }
    }
}
