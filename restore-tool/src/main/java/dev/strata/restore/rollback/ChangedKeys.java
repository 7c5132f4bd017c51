package dev.strata.restore.rollback;

import dev.strata.restore.plan.RestoreTime;
import dev.strata.restore.replay.KeyFilter;
import dev.strata.restore.replay.RowAtPoint;
import dev.strata.schemas.avro.Op;
import dev.strata.schemas.ddl.TableDefinition;
import dev.strata.schemas.fold.FoldOp;
import dev.strata.schemas.fold.RowDecoder;
import dev.strata.schemas.fold.ShapeCatalog;
import dev.strata.schemas.fold.TableShape;
import dev.strata.schemas.fold.select.PriorRowGate;
import dev.strata.schemas.fold.select.TransactionFilter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What {@link ChangesSince} gathers from the events after the point, as they are read: each event is judged first
 * ({@link #pass}), then the old row it carries, if any ({@link #prior}), then its changes ({@link #accept}) before the
 * next event is judged. The old row a key's first change after the point carries is the key's row at the point, when
 * whole (REPLICA IDENTITY FULL): kept, with more columns than the key's, so that the rollback may spare the log before
 * the point for it.
 */
final class ChangedKeys implements PriorRowGate, Consumer<FoldOp> {
    private final ShapeCatalog catalog;
    private final RowDecoder decoder;
    private final long sinceMicros;
    private final TransactionFilter visible;
    private final Map<String, ChangesSince.TableKeys> tables = new LinkedHashMap<>();
    private final List<String> reasons = new ArrayList<>();
    private long events;
    /** The operation of the event whose changes come next, and whether one of them deleted its old key (a key changed). */
    private Op op;
    private boolean oldKeyDeleted;
    /** The old row of the event whose changes come next, if it carries one. */
    private FoldOp oldRow;

    ChangedKeys(ShapeCatalog catalog, long sinceMicros, TransactionFilter visible) {
        this.catalog = catalog;
        this.decoder = new RowDecoder(catalog);
        this.sinceMicros = sinceMicros;
        this.visible = visible;
    }

    /** An event at or before the durable point: whether its changes count. */
    @Override
    public boolean pass(Op op, int tableId, long commitTs, long cutTs, long txId, String definition) {
        this.op = null;
        this.oldRow = null;
        if (cutTs <= sinceMicros) {
            return false;
        }
        // a TRUNCATE or a rewrite shows in snapshots taken before it (not MVCC-safe): counted seen or not; a READ
        // carries the id of the snapshot that read it, not of the rows' writer
        if (op != Op.TRUNCATE && op != Op.DDL && op != Op.READ && !visible.includes(txId)) {
            return false;
        }
        events++;
        if (op == Op.DDL && TableDefinition.STARTUP.equals(TableDefinition.parse(definition).tag())) {
            return false; // the definition capture read at its start: what its log already holds, restated
        }
        if (op == Op.TRUNCATE || op == Op.DDL) {
            reasons.add((op == Op.TRUNCATE ? "a TRUNCATE of " : "a definition change (DDL) of ") + catalog.table(tableId) + " at "
                    + RestoreTime.format(commitTs) + ", after the point");
            return false;
        }
        this.op = op;
        this.oldKeyDeleted = false;
        return true;
    }

    /** The old row of the event just passed: the row its change replaced. */
    @Override
    public void prior(FoldOp row) {
        this.oldRow = row;
    }

    /** A change of the event just passed. */
    @Override
    public void accept(FoldOp change) {
        if (op == null) {
            throw new IllegalStateException("a change came without its event passed first");
        }
        // an UPDATE that changed the key deletes the old key (its first change) and gives the new one a row
        if (change.kind() == FoldOp.Kind.DELETE && op == Op.UPDATE) {
            oldKeyDeleted = true;
        }
        boolean givesRow = change.kind() == FoldOp.Kind.UPSERT && (op == Op.CREATE || (op == Op.UPDATE && oldKeyDeleted));
        add(change, givesRow);
    }

    ChangesSince.Found found(long segments) {
        Optional<String> reason = reasons.isEmpty() ? Optional.empty() : Optional.of(reasons.get(0)
                + (reasons.size() > 1 ? " (and " + (reasons.size() - 1) + " more)" : ""));
        return new ChangesSince.Found(tables, reason, segments, events);
    }

    private void add(FoldOp change, boolean givesRow) {
        if (change.kind() == FoldOp.Kind.TRUNCATE || change.key() == null) {
            return;
        }
        TableShape shape = catalog.shape(change.shapeId());
        if (shape.keyColumns().isEmpty()) {
            reasons.add("table " + shape.table() + " has no key in the backup (each row is keyed by its whole image)");
            return;
        }
        ChangesSince.TableKeys keys = tables.computeIfAbsent(shape.table(),
                t -> new ChangesSince.TableKeys(keyShape(shape), new HashMap<>(), new HashMap<>(), new HashMap<>()));
        KeyFilter.Key key = KeyFilter.Key.of(change.key());
        keys.values().computeIfAbsent(key, k -> decoder.key(change.key()));
        long[] first = keys.first().get(key);
        if (first == null || FoldOp.compareOrder(change.lsn(), change.txOrder(), first[0], first[1]) < 0) {
            keys.first().put(key, new long[] {change.lsn(), change.txOrder(), givesRow ? 1 : 0});
            // an UPDATE that changed its key carries the old key's row, not the new key's; an old row of the key's columns
            // alone (REPLICA IDENTITY DEFAULT) says nothing of the others, and is not kept
            if (!givesRow && oldRow != null && Arrays.equals(oldRow.key(), change.key()) && beyondKey(oldRow)) {
                keys.atPoint().put(key, new RowAtPoint(catalog.shape(oldRow.shapeId()), oldRow, decoder.row(oldRow.version(),
                        oldRow.shapeId())));
            } else {
                keys.atPoint().remove(key);
            }
        }
    }

    private boolean beyondKey(FoldOp row) {
        TableShape shape = catalog.shape(row.shapeId());
        return shape.columns().size() > shape.keyColumns().size();
    }

    /** The key columns alone, with their captured types: what the rollback's key table is made of. */
    private static TableShape keyShape(TableShape shape) {
        List<String> types = shape.keyColumns().stream().map(c -> shape.pgTypes().get(shape.indexOf(c))).toList();
        return new TableShape(shape.table(), shape.keyColumns(), types, shape.keyColumns());
    }
}
