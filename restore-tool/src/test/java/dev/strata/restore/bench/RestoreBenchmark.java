package dev.strata.restore.bench;

import dev.strata.local.LocalObjectStores;
import dev.strata.local.LocalPostgres;
import dev.strata.restore.RestoreTool;
import dev.strata.restore.ToolConfig;
import dev.strata.restore.plan.RestoreTime;
import dev.strata.restore.testing.BackupWriter;
import dev.strata.restore.testing.LocalStores;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.UtcHour;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.store.ObjectStore;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;

/**
 * bench/restore: restore N rows of one tenant (about 3 events per surviving row) from two local
 * Ceph regions into a fresh Postgres with the CLI, end to end (listing, manifests, fetch, SHA-256
 * checks, decode, fold, COPY, primary key), against a plain binary COPY of the same final rows
 * plus the same primary key, in the same run on the same server. Usage: RestoreBenchmark [rows].
 */
public final class RestoreBenchmark {
    private static final int EVENTS_PER_SEGMENT = 50_000;

    private RestoreBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long rows = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
        Path work = Files.createTempDirectory("strata-bench-restore");
        try {
            run(rows, work);
        } finally {
            try (java.util.stream.Stream<Path> files = Files.walk(work)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static void run(long rows, Path work) throws Exception {
        try (LocalPostgres pg = LocalPostgres.start(work); LocalObjectStores stores = LocalObjectStores.start(work)) {
            BenchRows log = new BenchRows(rows, RestoreTime.parse("2026-11-21T06:00:00Z"), 3L * 3_600_000_000L);
            long written = System.nanoTime();
            writeBackup(stores, log);
            System.out.printf(Locale.ROOT, "backup: %,d events of %,d rows written to both regions in %.1f s%n", log.events(), rows,
                    (System.nanoTime() - written) / 1e9);

            Properties props = LocalStores.regime("bench", stores.primary(), "bench-primary", stores.backup(), "bench-backup");
            props.setProperty(ToolConfig.READERS, System.getProperty("strata.bench.readers", Integer.toString(ToolConfig.READERS_DEFAULT)));
            Path config = LocalStores.write(props, work);
            pg.createDatabase("bench_restore");
            long restoreStart = System.nanoTime();
            int code = RestoreTool.run(new String[] {"--config", config.toString(), "replay", "--tenant", BenchRows.TENANT,
                "--until", "latest", "--to", pg.jdbcUrl("bench_restore"), "--progress", "plain", "--user", pg.user()},
                    new PrintWriter(System.out, true), new PrintWriter(System.err, true));
            double restore = (System.nanoTime() - restoreStart) / 1e9;
            if (code != 0) {
                throw new IllegalStateException("the restore failed with exit code " + code);
            }

            pg.createDatabase("bench_copy");
            long copyStart = System.nanoTime();
            try (Connection c = DriverManager.getConnection(pg.jdbcUrl("bench_copy"), pg.user(), pg.password())) {
                BinaryCopy.load(c, rows);
            }
            double copy = (System.nanoTime() - copyStart) / 1e9;

            String restored = checksum(pg, "bench_restore");
            String copied = checksum(pg, "bench_copy");
            if (!restored.equals(copied)) {
                throw new IllegalStateException("the restored table differs from the copied one: " + restored + " vs " + copied);
            }
            System.out.printf(Locale.ROOT, "restore: %.2f s (%,.0f rows/s, %,.0f events/s); binary COPY + primary key: %.2f s (%,.0f rows/s);"
                    + " ratio %.2fx; tables identical (md5 %s)%n", restore, rows / restore, log.events() / restore, copy, rows / copy,
                    restore / copy, restored);
            System.out.println();
            System.out.println("README rows:");
            System.out.printf(Locale.ROOT, "| restore: %,d rows (%,d events) vs plain binary COPY + PK of the same rows, same run | <= 2.0x"
                    + " | %.2fx: restore %.1f s (%,.0f rows/s), COPY %.1f s (%,.0f rows/s) (%s, 2 cores shared) | `bench/restore` |%n",
                    rows, log.events(), restore / copy, restore, rows / restore, copy, rows / copy, LocalDate.now(ZoneOffset.UTC));
        }
    }

    private static void writeBackup(LocalObjectStores stores, BenchRows log) throws Exception {
        stores.primary().createLockedBucket("bench-primary");
        stores.backup().createLockedBucket("bench-backup");
        try (ObjectStore p = LocalStores.writer(stores.primary(), "bench-primary");
             ObjectStore b = LocalStores.writer(stores.backup(), "bench-backup")) {
            BackupWriter writer = new BackupWriter(p, b);
            List<ChangeEvent> batch = new ArrayList<>(EVENTS_PER_SEGMENT);
            long[] last = new long[1];
            log.forEach(e -> {
                batch.add(e);
                last[0] = e.getCommitTsMicros();
                if (batch.size() == EVENTS_PER_SEGMENT) {
                    writer.segment(batch);
                    batch.clear();
                }
            });
            if (!batch.isEmpty()) {
                writer.segment(batch);
            }
            writer.seal(TenantId.of(BenchRows.TENANT), Optional.of(UtcHour.containing(last[0])));
        }
    }

    private static String checksum(LocalPostgres pg, String db) throws Exception {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(db), pg.user(), pg.password());
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT md5(string_agg(t::text, '' ORDER BY id)) FROM public.items t")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
