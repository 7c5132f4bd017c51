package dev.strata.restore.ledger;

import dev.strata.restore.target.FoldedRow;
import dev.strata.restore.target.PgText;
import dev.strata.restore.target.TableTarget;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The ledger applied to folded rows: the one filter between the fold and every target (postgres,
 * lucene, kafka, ndjson, a rollback's staging tables, a drill's scratch database). A row of an
 * entry's table matches when its key holds the entry's key columns and values (as {@code psql}
 * prints them), or equals one of the keys the row had before or after an UPDATE changed it (the
 * entry's aliases). A matched row becomes a tombstone (left out; the kafka target sends a tombstone
 * for it), or keeps its key with the entry's columns set to NULL. Not thread-safe: one per load.
 */
public final class ErasedRows {
    private final int entries;
    private final Map<String, List<ErasureEntry>> byTable = new HashMap<>();
    private final Map<String, Long> leftOut = new TreeMap<>();
    private final Map<String, Long> nulled = new TreeMap<>();

    public ErasedRows(List<ErasureEntry> ledger) {
        this.entries = ledger.size();
        ledger.forEach(e -> byTable.computeIfAbsent(e.table(), t -> new ArrayList<>()).add(e));
    }

    public static ErasedRows none() {
        return new ErasedRows(List.of());
    }

    /** Whether an entry names {@code table}: only then can a row of it come out otherwise than it went in. */
    public boolean touches(String table) {
        return byTable.containsKey(table);
    }

    /** The row as the ledger lets it through: itself, a tombstone of its key, or a copy with columns nulled. */
    public FoldedRow apply(FoldedRow row) {
        List<ErasureEntry> candidates = row.deleted() ? null : byTable.get(row.table().name());
        if (candidates == null) {
            return row;
        }
        Map<String, String> key = keyText(row.table(), row.key());
        Object[] values = null;
        for (ErasureEntry entry : candidates) {
            if (!matches(entry, key)) {
                continue;
            }
            if (entry.leavesRowOut()) {
                leftOut.merge(row.table().name(), 1L, Long::sum);
                return new FoldedRow(row.table(), null, row.key());
            }
            values = values == null ? row.values().clone() : values;
            for (String column : entry.nullColumns()) {
                int index = row.shape().indexOf(column);
                if (index >= 0) {
                    values[index] = null;
                }
            }
        }
        if (values == null) {
            return row;
        }
        nulled.merge(row.table().name(), 1L, Long::sum);
        return new FoldedRow(row.table(), values, row.key());
    }

    /**
     * For {@code history}: a version of a row as the ledger lets it be shown. Empty when the row is left out; else
     * {@code row} with the nulled columns set to null (the same map when no entry names the key).
     */
    public Optional<Map<String, String>> visible(String table, Map<String, String> key, Map<String, String> row) {
        Map<String, String> shown = row;
        for (ErasureEntry entry : byTable.getOrDefault(table, List.of())) {
            if (!matches(entry, key)) {
                continue;
            }
            if (entry.leavesRowOut()) {
                return Optional.empty();
            }
            shown = new LinkedHashMap<>(shown);
            for (String column : entry.nullColumns()) {
                if (shown.containsKey(column)) {
                    shown.put(column, null);
                }
            }
        }
        return Optional.of(shown);
    }

    static boolean matches(ErasureEntry entry, Map<String, String> key) {
        return matchesKey(entry.key(), key) || entry.aliases().contains(key);
    }

    /** Whether a whole key holds every column and value of {@code requested} (some or all of the key). */
    static boolean matchesKey(Map<String, String> requested, Map<String, String> key) {
        return key.entrySet().containsAll(requested.entrySet());
    }

    /** The key's columns and values as {@code psql} prints them (PgText, as {@code history} shows them). */
    static Map<String, String> keyText(TableTarget table, Object[] key) {
        Map<String, String> text = new LinkedHashMap<>();
        for (int i = 0; i < key.length; i++) {
            text.put(table.keyName(i), PgText.text(table.keyKind(i), key[i]));
        }
        return text;
    }

    /** What the ledger did to one load. */
    public Applied applied() {
        return new Applied(entries, leftOut, nulled);
    }

    /**
     * @param entries the ledger's entries, every one applied
     * @param leftOut per table, rows left out
     * @param nulled per table, rows kept with columns nulled
     */
    public record Applied(int entries, Map<String, Long> leftOut, Map<String, Long> nulled) {
        public static final Applied NONE = new Applied(0, Map.of(), Map.of());

        public Applied {
            leftOut = Map.copyOf(leftOut);
            nulled = Map.copyOf(nulled);
        }

        /** The tables where the ledger changed at least one row. */
        public Set<String> tables() {
            Set<String> tables = new TreeSet<>(leftOut.keySet());
            tables.addAll(nulled.keySet());
            return tables;
        }

        public String describe() {
            return String.format(Locale.ROOT, "erasure ledger: %d entr%s applied; %d row(s) left out, %d row(s) with columns nulled",
                    entries, entries == 1 ? "y" : "ies", leftOut.values().stream().mapToLong(Long::longValue).sum(),
                    nulled.values().stream().mapToLong(Long::longValue).sum());
        }
    }
}
