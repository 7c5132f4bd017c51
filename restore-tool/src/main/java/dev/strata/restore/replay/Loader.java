package dev.strata.restore.replay;

import dev.strata.schemas.fold.ChangeFolder;
import dev.strata.schemas.fold.RowDecoder;
import dev.strata.schemas.fold.ShapeCatalog;
import dev.strata.restore.ledger.ErasedRows;
import dev.strata.restore.plan.RestorePlan;
import dev.strata.restore.store.RegionNotes;
import dev.strata.restore.target.FoldedRow;
import dev.strata.restore.target.ReplayTarget;
import dev.strata.restore.target.RestoreScope;
import dev.strata.restore.target.TableTarget;
import dev.strata.schemas.fold.definition.DefinitionHistory;
import dev.strata.schemas.fold.TableShape;
import dev.strata.schemas.fold.drain.FoldDrain;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Optional;
import java.util.TreeSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;

/**
 * Hands the folded state to a target: tables first (so it can create or check them), then every
 * row, then commit. Any failure aborts the target, so nothing half-restored is left visible.
 */
final class Loader {
    private static final int PROGRESS_EVERY = 10_000;

    private final ShapeCatalog catalog;
    private final ChangeFolder folder;
    private final DefinitionHistory definitions;
    private final Progress progress;

    private final ErasedRows erased;

    /** @param ledger what the erasure ledger did: rows it left out are in neither count */
    record Result(Map<String, Long> rowsPerTable, long tombstones, ErasedRows.Applied ledger) {
    }

    /** @param erased the erasure ledger, applied to every row before the target sees it */
    Loader(ShapeCatalog catalog, ChangeFolder folder, DefinitionHistory definitions, Progress progress, ErasedRows erased) {
        this.catalog = catalog;
        this.folder = folder;
        this.definitions = definitions;
        this.progress = progress;
        this.erased = erased;
    }

    /**
     * @param selection the tables asked for
     * @param tenantTables the tables the tenant's base and changes up to the point named (the definitions' are added here)
     */
    record Selected(TableSelection selection, Set<String> tenantTables) {
    }

    /**
     * @param base a base whose rows have not been folded: they are read during the load, each row the
     *     fold does not hold going straight to the target, before the fold's own rows
     */
    Result load(RestorePlan plan, ReplayTarget target, boolean force, RegionNotes notes, Selected selected, Optional<VerifiedBase> base) {
        Map<Integer, TableTarget> tables = new HashMap<>();
        Map<Integer, Integer> shapes = new HashMap<>();
        List<TableTarget> ordered = new ArrayList<>();
        List<String> undefined = new ArrayList<>();
        List<Integer> toLoad = tablesToLoad(base.map(b -> b.tableIds(catalog)).orElse(List.of()));
        Set<String> tenantTables = new HashSet<>(selected.tenantTables());
        toLoad.forEach(id -> tenantTables.add(catalog.table(id)));
        selected.selection().requireAmong(plan.tenant().value(), tenantTables);
        for (int tableId : toLoad) {
            if (!selected.selection().includes(catalog.table(tableId))) {
                continue;
            }
            Optional<TableShape> defined = definitions.currentShape(tableId);
            int shape = defined.map(catalog::shapeId).orElseGet(() -> folder.finalShape(tableId));
            if (shape < 0) {
                notes.note("table " + catalog.table(tableId) + " had only TRUNCATEs up to the restore point: its columns are"
                        + " unknown, so it was not created");
                continue;
            }
            if (defined.isEmpty()) {
                undefined.add(catalog.table(tableId));
            }
            TableTarget table = new TableTarget(catalog.shape(shape), definitions.current(tableId), definitions.hadMissingValues(tableId));
            tables.put(tableId, table);
            shapes.put(tableId, shape);
            ordered.add(table);
        }
        if (!undefined.isEmpty()) {
            notes.note("no table definition in the backup up to the restore point for " + String.join(", ", undefined)
                    + " (capture ran with strata.capture.ddl.history=off, or the rows predate its first definition): "
                    + (target.createsTablesFromDefinitions() ? "created from the captured column names and types and the primary"
                            + " key only; defaults, NOT NULL, identity, constraints and indexes are not restored, and columns are"
                            + " matched by name" : "columns are matched by name: a value written before a RENAME COLUMN is left out, and"
                            + " a row written before an ADD COLUMN ... DEFAULT has none there"));
        }
        long[] rowCounts = new long[catalog.tableCount()];
        long[] tombstones = new long[1];
        long[] sinceReport = new long[1];
        RowDecoder decoder = new RowDecoder(catalog, definitions);
        boolean committed = false;
        try {
            target.begin(new RestoreScope(plan.tenant(), plan.untilMicros(), ordered, force));
            long folded = folder.liveRows();
            progress.loading(folded < 0 ? folded : folded + base.map(VerifiedBase::rows).orElse(0L));
            FoldDrain rows = new FoldDrain() {
                // rows come table after table: two map lookups per table, not per row (JFR: 15% of a load)
                private int lastTableId = -1;
                private TableTarget lastTable;
                private int lastShape;
                private boolean[] lastUtf8Text;
                private boolean lastErasable;

                @Override
                public void upsert(int tableId, byte[] key, byte[] version) {
                    if (tableId != lastTableId) {
                        lastTable = tables.get(tableId);
                        lastShape = shapes.get(tableId);
                        lastUtf8Text = target.utf8TextColumns(lastTable);
                        lastErasable = erased.touches(lastTable.name());
                        lastTableId = tableId;
                    }
                    TableTarget table = lastTable;
                    if (!lastErasable && target.applyEncoded(table, decoder, version, lastShape)) {
                        rowCounts[tableId]++; // no objects per value nor key: decoding into them took most of a base load's thread (JFR)
                    } else {
                        FoldedRow row = erased.apply(new FoldedRow(table, decoder.row(key, version, lastShape, lastUtf8Text),
                                decoder.key(key)));
                        target.apply(row);
                        rowCounts[tableId] += row.deleted() ? 0 : 1;
                    }
                    if (++sinceReport[0] == PROGRESS_EVERY) {
                        progress.rowsLoaded(sinceReport[0]);
                        sinceReport[0] = 0;
                    }
                }

                @Override
                public void tombstone(int tableId, byte[] key, byte[] version) {
                    TableTarget table = tables.get(tableId);
                    if (table != null) {
                        target.apply(new FoldedRow(table, null, decoder.key(key)));
                        tombstones[0]++;
                    }
                }
            };
            base.ifPresent(b -> b.stream(catalog, folder, rows));
            folder.drain(rows);
            progress.rowsLoaded(sinceReport[0]);
            target.commit();
            committed = true;
        } finally {
            if (!committed) {
                target.abort();
            }
        }
        noteUnresolved(decoder.unresolved(), notes);
        Map<String, Long> rows = new HashMap<>();
        Map<String, Long> kept = target.rowsKept();
        tables.forEach((id, t) -> {
            rows.put(t.name(), kept.getOrDefault(t.name(), rowCounts[id]));
            if (kept.containsKey(t.name())) {
                notes.note("--where kept " + kept.get(t.name()) + " of the " + rowCounts[id] + " rows of " + t.name() + " at the point");
            }
        });
        return new Result(rows, tombstones[0], erased.applied());
    }

    /** Tables with a change up to the point, those of the base, and those with only a definition (created, never written): by name. */
    private List<Integer> tablesToLoad(List<Integer> baseTables) {
        TreeSet<Integer> ids = new TreeSet<>(folder.tables());
        ids.addAll(baseTables);
        ids.addAll(definitions.tables());
        List<Integer> sorted = new ArrayList<>(ids);
        sorted.sort(Comparator.comparing(catalog::table));
        return sorted;
    }

    /** A restore says what it lacks: a value no version in the backup holds is restored as NULL, and named here. */
    private static void noteUnresolved(RowDecoder.Unresolved unresolved, RegionNotes notes) {
        if (unresolved.rows() == 0) {
            return;
        }
        notes.note(unresolved.rows() + " row(s) were restored with NULL in a column whose value Postgres did not send"
                + " (an unchanged TOAST value, REPLICA IDENTITY DEFAULT) and no earlier version in the backup holds (the"
                + " history began after the row was last written; an initial snapshot or REPLICA IDENTITY FULL avoids it),"
                + " e.g. " + String.join("; ", unresolved.examples()));
    }
}
