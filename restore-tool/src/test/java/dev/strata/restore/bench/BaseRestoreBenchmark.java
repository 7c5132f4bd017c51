package dev.strata.restore.bench;

import dev.strata.local.LocalObjectStores;
import dev.strata.local.LocalPostgres;
import dev.strata.restore.plan.RestoreTime;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.segment.Segment;
import dev.strata.schemas.store.ObjectStore;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * bench/restore --bases EVENTS ROWS [TAIL]: issue 9's question, does a restore stay bounded as the
 * log grows? One tenant with EVENTS events of history and ROWS surviving rows in two local Ceph
 * regions, restored with the CLI into the local Postgres three ways, each into a new database:
 * (a) without a base, the whole log; (b) from a base near the end plus the last TAIL events
 * (whole segments; default one twentieth of the history) of log after its cut; (c) from a fresh
 * base at the end of the log, no log after it. Then a plain binary COPY + primary key of the same
 * rows (issue 7's baseline). All four tables must have the same checksum. The two bases are made as
 * the sink makes them, the second folded from the first (see {@link BenchBase}).
 */
public final class BaseRestoreBenchmark {
    private static final long MICROS_PER_EVENT = 3_500; // the 1M-row bench's 3.1M events span about 3 hours

    private BaseRestoreBenchmark() {
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
        long segments = (log.events() + BenchBackup.EVENTS_PER_SEGMENT - 1) / BenchBackup.EVENTS_PER_SEGMENT;
        long tailSegments = Math.max(1, (tailAsked + BenchBackup.EVENTS_PER_SEGMENT - 1) / BenchBackup.EVENTS_PER_SEGMENT);
        if (tailSegments >= segments) {
            throw new IllegalArgumentException("a tail of " + tailAsked + " events leaves no log before the first base: "
                    + segments + " segments of " + BenchBackup.EVENTS_PER_SEGMENT + " events in all");
        }
        long eventsBeforeCut = (segments - tailSegments) * BenchBackup.EVENTS_PER_SEGMENT;
        try (LocalPostgres pg = LocalPostgres.start(work); LocalObjectStores stores = LocalObjectStores.start(work)) {
            long start = System.nanoTime();
            TwoBases bases = new TwoBases(log.commitMicrosOf(eventsBeforeCut - 1), log.commitMicrosOf(log.events() - 1), work);
            BenchBackup.write(stores, log, bases::segment);
            BenchBase.Made nearEnd = bases.nearEnd();
            BenchBase.Made fresh = bases.fresh();
            System.out.printf(Locale.ROOT, "backup: %,d events of %,d rows in %d segments written to both regions, and two bases made"
                    + " (%,d and %,d rows), in %.1f s (folding the bases took %.1f s)%n", log.events(), log.rows(), segments,
                    nearEnd.manifest().rows(), fresh.manifest().rows(), (System.nanoTime() - start) / 1e9, bases.foldNanos / 1e9);

            Path config = BenchBackup.toolConfig(stores, work);
            Map<String, CliRestore> restores = new LinkedHashMap<>();
            restores.put("without base", CliRestore.run(pg, config, "without_base"));
            store(stores, nearEnd);
            restores.put("base + tail", CliRestore.run(pg, config, "base_and_tail"));
            store(stores, fresh);
            restores.put("fresh base", CliRestore.run(pg, config, "fresh_base"));

            double copy = BinaryCopy.timedLoad(pg, "plain_copy", log);
            String copied = CliRestore.checksum(pg, "plain_copy");
            restores.forEach((name, r) -> {
                if (!r.checksum().equals(copied)) {
                    throw new IllegalStateException("the restore " + name + " differs from the copied table: " + r.checksum() + " vs " + copied);
                }
            });
            report(log, log.events() - eventsBeforeCut, restores, copy, copied);
        }
    }

    private static void store(LocalObjectStores stores, BenchBase.Made base) throws Exception {
        try (ObjectStore p = BenchBackup.primaryWriter(stores); ObjectStore b = BenchBackup.backupWriter(stores)) {
            BenchBase.store(base, p, b);
        }
    }

    private static void report(BenchRows log, long tail, Map<String, CliRestore> restores, double copy, String checksum) {
        double a = restores.get("without base").seconds();
        double b = restores.get("base + tail").seconds();
        double c = restores.get("fresh base").seconds();
        long rows = log.rows();
        restores.forEach((name, r) -> System.out.printf(Locale.ROOT, "%-13s %6.2f s  %,10.0f rows/s  (%s)%n", name, r.seconds(),
                rows / r.seconds(), r.phases()));
        System.out.printf(Locale.ROOT, "%-13s %6.2f s  %,10.0f rows/s  (binary COPY + primary key)%n", "plain COPY", copy, rows / copy);
        System.out.printf(Locale.ROOT, "base + tail / fresh base %.2fx (goal <= 1.2x); without base / fresh base %.2fx;"
                + " fresh base / plain COPY %.2fx (goal <= 2.0x); all four tables identical (md5 %s)%n", b / c, a / c, c / copy, checksum);
        System.out.println();
        System.out.println("README rows:");
        System.out.printf(Locale.ROOT, "| restore with bases vs without (%,d events, %,d rows; base + the last %,d events vs a fresh base)"
                + " | <= 1.2x | %.2fx%s: base + tail %.1f s (%,.0f rows/s), fresh base %.1f s (%,.0f rows/s), without base %.1f s"
                + " (%.2fx) (%s, 2 cores shared) | `bench/restore --bases %d %d %d` |%n", log.events(), rows, tail, b / c,
                b / c <= 1.2 ? "" : ", not met", b, rows / b, c, rows / c, a, a / c, LocalDate.now(ZoneOffset.UTC), log.events(), rows, tail);
        System.out.printf(Locale.ROOT, "| restore from a fresh base: %,d rows vs plain binary COPY + PK of the same rows, same run | <= 2.0x"
                + " | %.2fx%s: %.1f s (%,.0f rows/s) vs COPY %.1f s (%,.0f rows/s) | `bench/restore --bases %d %d %d` |%n", rows, c / copy,
                c / copy <= 2.0 ? "" : ", not met", c, rows / c, copy, rows / copy, log.events(), rows, tail);
    }

    /** Folds each segment, as it is written, into the base near the end, then into the fresh one on top of it. */
    private static final class TwoBases {
        private final long nearEndCut;
        private final long freshCut;
        private final Path work;
        private final TenantId tenant = TenantId.of(BenchRows.TENANT);
        private BenchBase folding;
        private BenchBase.Made nearEnd;
        private BenchBase.Made fresh;
        private long foldNanos;

        TwoBases(long nearEndCut, long freshCut, Path work) throws Exception {
            this.nearEndCut = nearEndCut;
            this.freshCut = freshCut;
            this.work = work;
            this.folding = BenchBase.start(tenant, nearEndCut, Optional.empty(), work);
        }

        void segment(ObjectKey key, Segment segment) {
            long start = System.nanoTime();
            try {
                folding.fold(key, segment);
                long last = segment.summary().maxCommitMicros();
                if (nearEnd == null && last >= nearEndCut) {
                    nearEnd = finish();
                    folding = BenchBase.start(tenant, freshCut, Optional.of(nearEnd), work);
                } else if (nearEnd != null && last >= freshCut) {
                    fresh = finish();
                }
            } catch (Exception e) {
                throw new IllegalStateException("cannot make the bench's bases: " + e, e);
            } finally {
                foldNanos += System.nanoTime() - start;
            }
        }

        private BenchBase.Made finish() {
            try (BenchBase base = folding) {
                return base.finish();
            }
        }

        BenchBase.Made nearEnd() {
            return Optional.ofNullable(nearEnd).orElseThrow();
        }

        BenchBase.Made fresh() {
            return Optional.ofNullable(fresh).orElseThrow();
        }
    }
}
