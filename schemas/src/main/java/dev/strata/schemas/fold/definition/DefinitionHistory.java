package dev.strata.schemas.fold.definition;

import dev.strata.schemas.ddl.DefinedColumn;
import dev.strata.schemas.ddl.TableDefinition;
import dev.strata.schemas.fold.FoldOp;
import dev.strata.schemas.fold.FoldPosition;
import dev.strata.schemas.fold.TableShape;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The table definitions (DDL events) a fold met up to its restore point, per table in log order:
 * the newest is the definition in force at the point, and each row version is read with the one in
 * force at its own position, so that its columns are followed by attnum ({@link ColumnIdentity}).
 * Thread-safe: segments are decoded in parallel; a definition delivered twice is kept once.
 */
public final class DefinitionHistory {
    private static final Comparator<FoldPosition> ORDER = (a, b) -> FoldOp.compareOrder(a.lsn(), a.txOrder(), b.lsn(), b.txOrder());

    /** One definition and where the log holds it; {@code json} as the DDL event carried it. */
    public record Entry(FoldPosition at, long cutMicros, TableDefinition definition, String json) {
    }

    private final Map<Integer, TreeMap<FoldPosition, Entry>> byTable = new HashMap<>();

    /**
     * @param json the event's tableDefinition
     * @throws IllegalArgumentException when it is missing or not a definition this build reads
     */
    public void add(int tableId, FoldPosition at, long cutMicros, String json) {
        if (json == null) {
            throw new IllegalArgumentException("a DDL event at lsn " + at.lsn() + " carries no table definition");
        }
        TableDefinition definition = TableDefinition.parse(json);
        synchronized (byTable) {
            byTable.computeIfAbsent(tableId, id -> new TreeMap<>(ORDER)).put(at, new Entry(at, cutMicros, definition, json));
        }
    }

    /** The definition in force at the restore point: the newest one folded. */
    public Optional<TableDefinition> current(int tableId) {
        synchronized (byTable) {
            TreeMap<FoldPosition, Entry> entries = byTable.get(tableId);
            return entries == null ? Optional.empty() : Optional.of(entries.lastEntry().getValue().definition());
        }
    }

    /**
     * The definition in force at {@code at}: the last one at or before it, or the first one when the
     * row is older than every definition (written before capture read the table's first).
     */
    public Optional<Entry> inForceAt(int tableId, FoldPosition at) {
        synchronized (byTable) {
            TreeMap<FoldPosition, Entry> entries = byTable.get(tableId);
            if (entries == null) {
                return Optional.empty();
            }
            Map.Entry<FoldPosition, Entry> before = entries.floorEntry(at);
            return Optional.of((before != null ? before : entries.firstEntry()).getValue());
        }
    }

    /** The columns (in attnum order, with their types) and primary key of the definition in force at the restore point. */
    public Optional<TableShape> currentShape(int tableId) {
        return current(tableId).map(d -> new TableShape(d.table(),
                d.liveColumns().stream().map(c -> c.name()).toList(), d.liveColumns().stream().map(c -> c.type()).toList(), d.primaryKey()));
    }

    /** The tables with a definition. */
    public List<Integer> tables() {
        synchronized (byTable) {
            return new ArrayList<>(byTable.keySet());
        }
    }

    /** Column {@code attnum} as the first definition that has it describes it (for a column added later: the ADD COLUMN's). */
    public Optional<DefinedColumn> whenAdded(int tableId, int attnum) {
        synchronized (byTable) {
            TreeMap<FoldPosition, Entry> entries = byTable.get(tableId);
            if (entries == null) {
                return Optional.empty();
            }
            for (Entry e : entries.values()) {
                Optional<DefinedColumn> column = e.definition().column(attnum);
                if (column.isPresent()) {
                    return column;
                }
            }
            return Optional.empty();
        }
    }

    /** Whether any definition of the table had an ADD COLUMN's missing value: rows may then get it, as the catalog's text. */
    public boolean hadMissingValues(int tableId) {
        return of(tableId).stream().anyMatch(e -> e.definition().columns().stream().anyMatch(DefinedColumn::hasMissingValue));
    }

    /** Every definition of the table, oldest first. */
    public List<Entry> of(int tableId) {
        synchronized (byTable) {
            TreeMap<FoldPosition, Entry> entries = byTable.get(tableId);
            return entries == null ? List.of() : new ArrayList<>(entries.values());
        }
    }

    public boolean has(int tableId) {
        synchronized (byTable) {
            return byTable.containsKey(tableId);
        }
    }
}
