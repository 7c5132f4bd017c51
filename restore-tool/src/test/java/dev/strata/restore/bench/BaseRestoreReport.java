package dev.strata.restore.bench;

import dev.strata.capture.DebeziumJsonSize;
import dev.strata.local.LoadAverage;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What bench/restore --bases prints: every restore with its phases, then issue 18's ratios, each
 * beside its goal and the load average: from a base (the fresh one) and from base + tail vs a plain
 * COPY, from the log alone vs COPY, every restore vs pg_restore, base + tail vs the fresh base on
 * each of the runs in a row, and the bytes the backup stores beside Debezium's JSON envelope.
 */
record BaseRestoreReport(BenchRows log, long tail, CliRestore withoutBase, Map<String, CliRestore> warmUps, List<CliRestore> withTail,
                         List<CliRestore> fresh, double copy, PgRestorePeer peer, String checksum, Stored stored) {
    private static final double FRESH_GOAL = 1.25;
    private static final double TAIL_GOAL = 1.35;
    private static final double LOG_GOAL = 2.5;
    private static final double FLAT_GOAL = 1.2;

    /**
     * What the backup stores, beside Debezium's JSON envelope of the same events (issue 18).
     *
     * @param perEvent the bytes of the log's segments (one region) per event, as the restore without a base read them
     * @param perBaseRow the bytes of the fresh base's table objects (its tombstones too) per live row
     */
    record Stored(double perEvent, double perBaseRow, DebeziumJsonSize.Sizes json) {
    }

    void print() {
        long rows = log.rows();
        line("without base", withoutBase);
        warmUps.forEach((label, w) -> line(label, w));
        if (!warmUps.isEmpty()) {
            System.out.println("               (the warm-ups: the JVM's first restores of each path, before its timed runs; in no ratio)");
        }
        for (int i = 0; i < withTail.size(); i++) {
            line("base + tail " + (i + 1), withTail.get(i));
        }
        for (int i = 0; i < fresh.size(); i++) {
            line("fresh base " + (i + 1), fresh.get(i));
        }
        System.out.printf(Locale.ROOT, "%-24s %6.2f s  %,10.0f rows/s  (binary COPY + primary key)%n", "plain COPY", copy, rows / copy);
        System.out.printf(Locale.ROOT, "%-24s %6.2f s  %,10.0f rows/s  (%s)%n", "pg_restore", peer.seconds(), rows / peer.seconds(),
                peer.description());
        double tailMedian = median(withTail);
        double freshMedian = median(fresh);
        StringBuilder flat = new StringBuilder();
        for (int i = 0; i < withTail.size(); i++) {
            flat.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.2fx", withTail.get(i).seconds() / fresh.get(i).seconds()));
        }
        System.out.printf(Locale.ROOT, "base + tail / fresh base, run by run: %s (goal <= %.1fx each)%n", flat, FLAT_GOAL);
        System.out.printf(Locale.ROOT, "vs plain COPY (the median run of each): fresh base %s, base + tail %s, log alone %s%n",
                ratio(freshMedian, copy, FRESH_GOAL), ratio(tailMedian, copy, TAIL_GOAL), ratio(withoutBase.seconds(), copy, LOG_GOAL));
        System.out.printf(Locale.ROOT, "vs pg_restore -j 2: fresh base %s, base + tail %s, log alone %s%n", ratio(freshMedian, peer.seconds(), 1.0),
                ratio(tailMedian, peer.seconds(), 1.0), ratio(withoutBase.seconds(), peer.seconds(), 1.0));
        long tables = withTail.size() + fresh.size() + 3 + warmUps.size();
        System.out.printf(Locale.ROOT, "all %d tables identical (md5 %s); %s%n", tables, checksum, LoadAverage.now());
        System.out.printf(Locale.ROOT, "stored: %.1f bytes per event in the log's segments (one region), %.1f per live row in the fresh base's"
                + " table objects, vs %s%n", stored.perEvent(), stored.perBaseRow(), stored.json().describe());
        System.out.println();
        System.out.println("README rows:");
        System.out.printf(Locale.ROOT, "| restore with bases: base + the last %,d events vs a fresh base (%,d events, %,d rows), %d runs in a row"
                + " | <= %.1fx each | %s: %s (%s, %s) | `bench/restore --bases %d %d %d` |%n", tail, log.events(), rows, withTail.size(),
                FLAT_GOAL, met(withTail, fresh) ? "met" : "not met", flat, LocalDate.now(ZoneOffset.UTC), LoadAverage.now(), log.events(), rows, tail);
        System.out.printf(Locale.ROOT, "| restore of %,d rows vs plain binary COPY + PK, same run (median of the runs): from a fresh base / base + tail / the log alone"
                + " | <= %.2fx / %.2fx / %.1fx | %s / %s / %s (COPY %.2f s) | `bench/restore --bases %d %d %d` |%n", rows, FRESH_GOAL, TAIL_GOAL,
                LOG_GOAL, ratio(freshMedian, copy, FRESH_GOAL), ratio(tailMedian, copy, TAIL_GOAL), ratio(withoutBase.seconds(), copy, LOG_GOAL), copy,
                log.events(), rows, tail);
        System.out.printf(Locale.ROOT, "| restore of %,d rows vs pg_restore -j 2 of pg_dump -Fd, same run: fresh base / base + tail | <= 1.0x"
                + " | %s / %s (pg_restore %.2f s; %s) | `bench/restore --bases %d %d %d` |%n", rows, ratio(freshMedian, peer.seconds(), 1.0),
                ratio(tailMedian, peer.seconds(), 1.0), peer.seconds(), peer.description(), log.events(), rows, tail);
    }

    private void line(String name, CliRestore r) {
        System.out.printf(Locale.ROOT, "%-24s %6.2f s  %,10.0f rows/s  CPU %5.2f s  (%s)%n", name, r.seconds(), log.rows() / r.seconds(),
                r.cpuSeconds(), r.phases());
    }

    private boolean met(List<CliRestore> tails, List<CliRestore> bases) {
        for (int i = 0; i < tails.size(); i++) {
            if (tails.get(i).seconds() / bases.get(i).seconds() > FLAT_GOAL) {
                return false;
            }
        }
        return true;
    }

    /** The middle run: one run slowed by another build's burst neither makes nor breaks a ratio. */
    private static double median(List<CliRestore> runs) {
        double[] sorted = runs.stream().mapToDouble(CliRestore::seconds).sorted().toArray();
        return sorted[sorted.length / 2];
    }

    private static String ratio(double seconds, double peer, double goal) {
        double r = seconds / peer;
        return String.format(Locale.ROOT, "%.2fx%s", r, r <= goal ? "" : " (not met)");
    }
}
