package dev.strata.restore.bench;

import dev.strata.capture.DebeziumJsonSize;
import dev.strata.local.LoadAverage;
import dev.strata.local.LocalObjectStores;
import dev.strata.local.LocalPostgres;
import dev.strata.restore.plan.RestoreTime;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * bench/restore: restore N rows of one tenant (about 3 events per surviving row) from two local
 * Ceph regions into a fresh Postgres with the CLI, end to end (listing, manifests, fetch, SHA-256
 * checks, decode, fold, COPY, primary key), against a plain binary COPY of the same final rows
 * plus the same primary key, in the same run on the same server; then the same restore again in the bench's JVM.
 * Usage: RestoreBenchmark [rows].
 */
public final class RestoreBenchmark {
    /**
     * After the timed restore and its peers, the same restore this many times more in the bench's JVM: what a long-lived
     * JVM (the drill service's) takes; none when each command runs in a JVM of its own.
     */
    private static final int WARM_REPEATS = 3;

    private RestoreBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long rows = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
        BenchWorkDir.use("strata-bench-restore", work -> run(rows, work));
    }

    private static void run(long rows, Path work) throws Exception {
        try (LocalPostgres pg = LocalPostgres.start(work); LocalObjectStores stores = LocalObjectStores.start(work)) {
            BenchRows log = new BenchRows(rows, RestoreTime.parse("2026-11-21T06:00:00Z"), 3L * 3_600_000_000L);
            long written = System.nanoTime();
            int segments;
            try (BenchBackup backup = BenchBackup.open(stores, work)) {
                segments = backup.write(log).size();
            }
            System.out.printf(Locale.ROOT, "backup: %,d events of %,d rows in %d segments written to both regions by the sink's classes"
                    + " in %.1f s%n", log.events(), rows, segments, (System.nanoTime() - written) / 1e9);

            CliRestore restored = CliRestore.run(pg, BenchBackup.toolConfig(stores, work), "bench_restore");
            double restore = restored.seconds();
            double storedPerEvent = (double) restored.segmentBytes() / log.events();

            double copy = BinaryCopy.timedLoad(pg, "bench_copy", log);
            PgRestorePeer peer = PgRestorePeer.run(pg, "bench_pg_restore", log, work);

            // after the peers, so that COPY and pg_restore meet the server as it was after one restore, as in every run before
            List<CliRestore> again = new ArrayList<>();
            for (int i = 1; i <= (ToolRun.inProcesses() ? 0 : WARM_REPEATS); i++) {
                again.add(CliRestore.run(pg, BenchBackup.toolConfig(stores, work), "bench_restore_again_" + i));
            }

            String copied = CliRestore.checksum(pg, "bench_copy");
            DebeziumJsonSize.Sizes json = BenchJsonSize.of(pg, log);
            Map<String, String> checksums = new LinkedHashMap<>();
            checksums.put("the restore", restored.checksum());
            checksums.put("pg_restore", CliRestore.checksum(pg, "bench_pg_restore"));
            for (int i = 0; i < again.size(); i++) {
                checksums.put("the restore again, " + (i + 1) + " of " + again.size(), again.get(i).checksum());
            }
            CliRestore.requireEqual(copied, checksums);
            System.out.printf(Locale.ROOT, "restore: %.2f s, the tool's JVM's CPU %.2f s (%,.0f rows/s, %,.0f events/s; %s); binary COPY + primary key: %.2f s"
                    + " (%,.0f rows/s); ratio %.2fx (goal <= 2.5x); %s: %.2f s, restore / pg_restore %.2fx (goal <= 1.0x);"
                    + " tables identical (md5 %s); %.1f bytes stored per event (the segments read, in one region) vs %s; %s%n", restore,
                    restored.cpuSeconds(), rows / restore, log.events() / restore, restored.phases(), copy, rows / copy, restore / copy,
                    peer.description(), peer.seconds(), restore / peer.seconds(), copied, storedPerEvent, json.describe(), LoadAverage.now());
            for (int i = 0; i < again.size(); i++) {
                CliRestore warm = again.get(i);
                System.out.printf(Locale.ROOT, "the same restore again in this JVM, %d of %d: %.2f s, %.2fx COPY, %.2fx pg_restore, the tool's"
                        + " JVM's CPU %.2f s (%s)%n", i + 1, again.size(), warm.seconds(), warm.seconds() / copy, warm.seconds() / peer.seconds(),
                        warm.cpuSeconds(), warm.phases());
            }
            System.out.println();
            System.out.println("README rows:");
            System.out.printf(Locale.ROOT, "| restore from the log alone: %,d rows (%,d events) vs plain binary COPY + PK and vs pg_restore -j 2"
                    + " of pg_dump -Fd of the same rows, same run | <= 2.5x COPY, <= 1.0x pg_restore | %.2fx COPY, %.2fx pg_restore: restore"
                    + " %.1f s, COPY %.1f s, pg_restore %.1f s (%s, %s); %.1f bytes stored per event vs the same events as Debezium's JSON"
                    + " envelope %.0f with schemas, %.0f without | `bench/restore` |%n", rows, log.events(), restore / copy,
                    restore / peer.seconds(), restore, copy, peer.seconds(), LocalDate.now(ZoneOffset.UTC), LoadAverage.now(), storedPerEvent,
                    json.withSchemas(), json.withoutSchemas());
        }
    }
}
