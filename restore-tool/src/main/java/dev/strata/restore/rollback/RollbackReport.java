package dev.strata.restore.rollback;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** How a rollback's difference reads: counts per table, then a few keys of each kind. */
final class RollbackReport {
    private RollbackReport() {
    }

    static List<String> line(TableDiff diff) {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "  %s: %,d to delete, %,d to update, %,d to insert", diff.table(), diff.deletes(), diff.updates(),
                diff.inserts()));
        sample(lines, "delete", diff.sampleDeletes(), diff.deletes());
        sample(lines, "update", diff.sampleUpdates(), diff.updates());
        sample(lines, "insert", diff.sampleInserts(), diff.inserts());
        return lines;
    }

    private static void sample(List<String> lines, String kind, List<String> keys, long count) {
        if (!keys.isEmpty()) {
            lines.add("    " + kind + ": " + String.join("; ", keys) + (count > keys.size() ? "; ..." : ""));
        }
    }
}
