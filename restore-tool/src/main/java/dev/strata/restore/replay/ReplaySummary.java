package dev.strata.restore.replay;

import dev.strata.restore.ledger.ErasedRows;
import dev.strata.schemas.fold.FoldStats;
import dev.strata.restore.plan.RestorePlan;
import dev.strata.restore.plan.RestoreTime;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a replay did, for people: rows per table, time taken, objects and the region each came from,
 * and every workaround (backup reads, unsealed hours).
 */
public record ReplaySummary(RestorePlan plan, String target, Map<String, Long> rowsPerTable, long tombstones, long events,
                            long eventsAfterUntil, long unsealedObjects, long fromPrimary, long fromBackup, FoldStats fold,
                            ErasedRows.Applied ledger, List<String> notes, Duration took, String phases) {

    public ReplaySummary {
        rowsPerTable = Map.copyOf(rowsPerTable);
        notes = List.copyOf(notes);
    }

    public long rows() {
        return rowsPerTable.values().stream().mapToLong(Long::longValue).sum();
    }

    public void print(PrintWriter out) {
        out.printf(Locale.ROOT, "restored tenant %s to %s into %s in %.1f s (%s)%n", plan.tenant(),
                RestoreTime.format(plan.untilMicros()), target, took.toMillis() / 1000.0, phases);
        out.printf(Locale.ROOT, "  objects: %d segments, %,d bytes; %d read from primary, %d from backup%s%n", plan.segments().size(),
                plan.bytes(), fromPrimary, fromBackup, fromBackup > 0 ? " (see notes)" : "");
        out.printf(Locale.ROOT, "  events:  %,d read, %,d after the restore point left out, %,d superseded or duplicate%s%n", events,
                eventsAfterUntil, fold.superseded(), fold.spilledBytes() > 0
                        ? String.format(Locale.ROOT, "; folded on disk in %d partitions (%,d bytes)", fold.partitions(), fold.spilledBytes())
                        : "");
        rowsPerTable.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> out.printf(Locale.ROOT, "  %-40s %,12d rows%n", e.getKey(), e.getValue()));
        out.printf(Locale.ROOT, "  %-40s %,12d rows%n", "total", rows());
        out.println("  " + ledger.describe());
        if (unsealedObjects > 0) {
            out.printf(Locale.ROOT, "  note: %d object(s) of hours not sealed yet were checked against their declared SHA-256 only%n",
                    unsealedObjects);
        }
        notes.forEach(n -> out.println("  note: " + n));
        out.flush();
    }
}
