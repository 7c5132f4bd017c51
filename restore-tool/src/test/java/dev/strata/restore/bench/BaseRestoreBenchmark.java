package dev.strata.restore.bench;

import dev.strata.local.LocalObjectStores;
import dev.strata.local.LocalPostgres;
import dev.strata.restore.plan.RestoreTime;
import dev.strata.schemas.base.BaseManifest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * bench/restore --bases EVENTS ROWS [TAIL]: issue 9's question, does a restore stay bounded as the
 * log grows? One tenant with EVENTS events of history and ROWS surviving rows in two local Ceph
 * regions, restored with the CLI into the local Postgres three ways, each into a new database:
 * (a) without a base, the whole log; (b) from a base near the end plus the last TAIL events
 * (default one twentieth of the history) of log after its cut; (c) from a fresh base at the end of the log, no log
 * after it. (b) and (c) each run twice untimed first (the JVM's first restores from a base, warming each path up as
 * (a) did the log's). Then a plain binary COPY + primary key of the same rows (issue 7's
 * baseline). All four tables must have the same checksum. The log and both bases are written by the
 * sink's own classes (see {@link BenchBackup}), the second base folded from the first.
 */
public final class BaseRestoreBenchmark {
    /** Each restore from a base runs this many times in a row: issue 18 asks for the ratio on three runs. */
    private static final int RUNS = 3;
    /** Untimed restores before each path's timed runs. */
    private static final int WARM_UPS = 2;
    private static final long MICROS_PER_EVENT = 3_500; // the 1M-row bench's 3.1M events span about 3 hours

    private BaseRestoreBenchmark() {
    }

    /** Untimed restores that compile the path about to be timed, in the bench's JVM (none in a JVM per command). */
    private static void warmUp(LocalPostgres pg, Path config, String path, String databasePrefix, Map<String, CliRestore> warmUps)
            throws Exception {
        for (int i = 1; i <= WARM_UPS && !ToolRun.inProcesses(); i++) {
            warmUps.put(path + ", warm-up " + i, CliRestore.run(pg, config, databasePrefix + i));
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            throw new IllegalArgumentException("usage: BaseRestoreBenchmark EVENTS ROWS [TAIL_EVENTS]");
        }
        long events = Long.parseLong(args[0]);
        long rows = Long.parseLong(args[1]);
        long tail = args.length > 2 ? Long.parseLong(args[2]) : events / 20;
        BenchWorkDir.use("strata-bench-bases", work -> run(new BenchRows(rows, events, RestoreTime.parse("2026-11-21T06:00:00Z"),
                events * MICROS_PER_EVENT), tail, work));
    }

    private static void run(BenchRows log, long tailAsked, Path work) throws Exception {
        if (tailAsked <= 0 || tailAsked >= log.events()) {
            throw new IllegalArgumentException("a tail of " + tailAsked + " events leaves no log before the first base, or none after it: "
                    + log.events() + " events in all");
        }
        // the cut falls on a commit time, so the base holds the whole transaction of the last event before the tail
        long nearEndCut = log.commitMicrosOf(log.events() - tailAsked - 1);
        long freshCut = log.commitMicrosOf(log.events() - 1);
        try (LocalPostgres pg = LocalPostgres.start(work); LocalObjectStores stores = LocalObjectStores.start(work);
             BenchBackup backup = BenchBackup.open(stores, work)) {
            long start = System.nanoTime();
            int segments = backup.write(log).size();
            System.out.printf(Locale.ROOT, "backup: %,d events of %,d rows in %d segments written to both regions by the sink's classes"
                    + " in %.1f s%n", log.events(), log.rows(), segments, (System.nanoTime() - start) / 1e9);

            Path config = BenchBackup.toolConfig(stores, work);
            CliRestore withoutBase = CliRestore.run(pg, config, "without_base");
            BaseManifest nearEnd = timedBase(backup, nearEndCut, "near the end");
            // the JVM's first restores from a base compile that path: the first took 0.5 s more of the tool's CPU than the
            // runs after it, and the first timed run after one warm-up still 0.5 s more (1.63 s vs 1.07-1.10 s, 2026-12-07
            // 21:20): the pairs compare a tail's cost with a fresh base's, both warm, not the JIT's passes; in a JVM of its own
            // each command is cold anyway
            Map<String, CliRestore> warmUps = new LinkedHashMap<>();
            warmUp(pg, config, "base + tail", "base_and_tail_warm_up_", warmUps);
            List<CliRestore> withTail = new ArrayList<>();
            for (int i = 1; i <= RUNS; i++) {
                withTail.add(CliRestore.run(pg, config, "base_and_tail_" + i));
            }
            BaseManifest freshBase = timedBase(backup, freshCut, "fresh, on top of it");
            warmUp(pg, config, "fresh base", "fresh_base_warm_up_", warmUps); // no log to fold, and its base read with no key of the fold
            List<CliRestore> fresh = new ArrayList<>();
            for (int i = 1; i <= RUNS; i++) {
                fresh.add(CliRestore.run(pg, config, "fresh_base_" + i));
            }

            double copy = BinaryCopy.timedLoad(pg, "plain_copy", log);
            PgRestorePeer peer = PgRestorePeer.run(pg, "pg_restored", log, work);
            String copied = CliRestore.checksum(pg, "plain_copy");
            Map<String, String> checksums = new LinkedHashMap<>();
            checksums.put("the restore without base", withoutBase.checksum());
            warmUps.forEach((label, w) -> checksums.put("the warm-up restore from " + label, w.checksum()));
            for (int i = 0; i < RUNS; i++) {
                checksums.put("the restore from base + tail, run " + (i + 1), withTail.get(i).checksum());
                checksums.put("the restore from a fresh base, run " + (i + 1), fresh.get(i).checksum());
            }
            checksums.put("pg_restore", CliRestore.checksum(pg, "pg_restored"));
            CliRestore.requireEqual(copied, checksums);
            BaseRestoreReport.Stored stored = new BaseRestoreReport.Stored((double) withoutBase.segmentBytes() / log.events(),
                    (double) freshBase.bytes() / freshBase.rows(), BenchJsonSize.of(pg, log));
            new BaseRestoreReport(log, eventsAfter(log, nearEnd.cut().cutCommitMicros()), withoutBase, warmUps, withTail, fresh, copy, peer,
                    copied, stored).print();
        }
    }

    /** A base made by the sink's fold (it reads the log back from the regions, and the previous base if there is one). */
    private static BaseManifest timedBase(BenchBackup backup, long cutMicros, String which) {
        long start = System.nanoTime();
        BaseManifest base = backup.base(cutMicros);
        System.out.printf(Locale.ROOT, "base %s: %,d rows, %,d objects folded, made and stored in both regions in %.1f s%n", which,
                base.rows(), base.folded().size(), (System.nanoTime() - start) / 1e9);
        return base;
    }

    /** How many events of the log committed after {@code cutMicros}: the tail a restore from that base reads. */
    private static long eventsAfter(BenchRows log, long cutMicros) {
        long first = 0;
        long last = log.events();
        while (first < last) { // commit times grow with the index: the first event after the cut
            long mid = (first + last) >>> 1;
            if (log.commitMicrosOf(mid) <= cutMicros) {
                first = mid + 1;
            } else {
                last = mid;
            }
        }
        return log.events() - first;
    }
}
