package dev.strata.restore.rollback;

import dev.strata.restore.VerificationFailedException;
import dev.strata.restore.plan.RestorePlan;
import dev.strata.restore.plan.RestoreTime;
import dev.strata.restore.replay.KeyFilter;
import dev.strata.restore.store.FetchedObject;
import dev.strata.restore.store.ListedSegment;
import dev.strata.restore.store.ManifestIndex;
import dev.strata.restore.store.ObjectFetcher;
import dev.strata.restore.store.RegimeStores;
import dev.strata.restore.store.RegionNotes;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Op;
import dev.strata.schemas.ddl.TableDefinition;
import dev.strata.schemas.event.CutTime;
import dev.strata.schemas.fold.EventConverter;
import dev.strata.schemas.fold.FoldOp;
import dev.strata.schemas.fold.RowDecoder;
import dev.strata.schemas.fold.ShapeCatalog;
import dev.strata.schemas.fold.TableShape;
import dev.strata.schemas.fold.TransactionFilter;
import dev.strata.schemas.fold.definition.DefinitionHistory;
import dev.strata.schemas.segment.ForeignTenantException;
import dev.strata.schemas.segment.SegmentReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The keys of a tenant changed after a restore point, from its log up to its durable point: the only
 * keys whose live row can differ from their row at the point, when the log covers the live database
 * ({@link LiveCoverage}). Read and verified like any restore read; whole segments that end after the
 * point are read, and their changes at or before it left out. A TRUNCATE or a definition change
 * (DDL: a rewrite, a table dropped and made anew) after the point touches rows no key names: then
 * there is no key set, only a reason. The definition capture restates at its start changes nothing.
 */
final class ChangesSince {
    /**
     * One table's changed keys: the fold's key bytes, and their values in the key's columns and types.
     *
     * @param first per key, its first change after the point: {lsn, txOrder, 1 when it gave the key a row: an INSERT, or an
     *     UPDATE that changed its key to this one}
     */
    record TableKeys(TableShape shape, Map<KeyFilter.Key, Object[]> values, Map<KeyFilter.Key, long[]> first) {

        /** The keys whose first change after the point did not give them a row: they may have had one at it. */
        Set<KeyFilter.Key> notInsertedFirst() {
            Set<KeyFilter.Key> keys = new HashSet<>();
            first.forEach((key, f) -> {
                if (f[2] == 0) {
                    keys.add(key);
                }
            });
            return keys;
        }
    }

    /** @param tables per table name, its changed keys; @param fullDiffReason why no key set can stand for the difference */
    record Found(Map<String, TableKeys> tables, Optional<String> fullDiffReason, long segments, long events) {

        long keys() {
            return tables.values().stream().mapToLong(t -> t.values().size()).sum();
        }

        /**
         * @param uniqueAtOnce the tables whose live key is unique at every statement: a key of theirs given a row first
         *     after the point had no row at it (the read of the log stops without finding one)
         */
        KeyFilter filter(Set<String> uniqueAtOnce) {
            Map<String, Set<KeyFilter.Key>> keys = new HashMap<>();
            Map<String, Set<KeyFilter.Key>> existed = new HashMap<>();
            tables.forEach((table, k) -> {
                keys.put(table, k.values().keySet());
                existed.put(table, uniqueAtOnce.contains(table) ? k.notInsertedFirst() : k.values().keySet());
            });
            return KeyFilter.only(keys, existed);
        }

        boolean none() {
            return tables.isEmpty();
        }

        /** The keys {@code later} (the log read on from where this one ended) names that this one does not: what is left to stage. */
        Found newIn(Found later) {
            Map<String, TableKeys> more = new LinkedHashMap<>();
            later.tables.forEach((table, keys) -> {
                TableKeys known = tables.get(table);
                Map<KeyFilter.Key, Object[]> values = new HashMap<>(keys.values());
                Map<KeyFilter.Key, long[]> first = new HashMap<>(keys.first());
                if (known != null) {
                    values.keySet().removeAll(known.values().keySet());
                    first.keySet().retainAll(values.keySet());
                }
                if (!values.isEmpty()) {
                    more.put(table, new TableKeys(keys.shape(), values, first));
                }
            });
            return new Found(more, later.fullDiffReason, later.segments, later.events);
        }
    }

    private ChangesSince() {
    }

    /**
     * The changes after {@code sinceMicros} up to the plan's durable point of the transactions {@code visible} includes.
     *
     * @param toDurablePoint a plan to the tenant's durable point from a base at or before {@code sinceMicros}
     * @param visible the transactions the live database's snapshot sees: a key changed only by others has, in it, its row
     *     before them
     */
    static Found read(RegimeStores stores, RestorePlan toDurablePoint, long sinceMicros, TransactionFilter visible) {
        List<ListedSegment> after = toDurablePoint.segments().stream().filter(s -> s.maxCommitMicros() > sinceMicros).toList();
        RegionNotes notes = new RegionNotes();
        ManifestIndex manifests = after.isEmpty() ? null : ManifestIndex.load(stores, toDurablePoint.tenant(),
                after.stream().map(s -> s.segment().hour()).min(Comparable::compareTo).orElseThrow(),
                after.stream().map(s -> s.segment().hour()).max(Comparable::compareTo).orElseThrow(), notes);
        ObjectFetcher fetcher = new ObjectFetcher(stores, notes);
        ShapeCatalog catalog = new ShapeCatalog();
        EventConverter converter = new EventConverter(catalog, Long.MAX_VALUE, TransactionFilter.ALL, new DefinitionHistory());
        RowDecoder decoder = new RowDecoder(catalog);
        Map<String, TableKeys> tables = new LinkedHashMap<>();
        List<String> reasons = new ArrayList<>();
        long events = 0;
        for (ListedSegment segment : after) {
            FetchedObject object = fetcher.fetch(segment.key(), segment.regions(), manifests.entry(segment.key()));
            long index = 0;
            try (SegmentReader reader = SegmentReader.open(object.bytes(), object.sha256(), segment.key().value())) {
                while (reader.hasNext()) {
                    ChangeEvent event = reader.next();
                    if (!event.getTenant().equals(toDurablePoint.tenant().value())) {
                        ForeignTenantException foreign = new ForeignTenantException(segment.key().value(), toDurablePoint.tenant(),
                                event.getTenant(), index);
                        throw new VerificationFailedException(foreign.getMessage(), foreign);
                    }
                    index++;
                    long cut = CutTime.of(event);
                    if (cut <= sinceMicros || cut > toDurablePoint.untilMicros()) {
                        continue;
                    }
                    Op op = event.getOp();
                    // a TRUNCATE or a rewrite shows in snapshots taken before it (not MVCC-safe): counted seen or not; a READ
                    // carries the id of the snapshot that read it, not of the rows' writer
                    if (op != Op.TRUNCATE && op != Op.DDL && op != Op.READ && !visible.includes(event.getTxId())) {
                        continue;
                    }
                    events++;
                    if (op == Op.DDL && TableDefinition.STARTUP.equals(TableDefinition.parse(event.getTableDefinition()).tag())) {
                        continue; // the definition capture read at its start: what its log already holds, restated
                    }
                    if (op == Op.TRUNCATE || op == Op.DDL) {
                        reasons.add((op == Op.TRUNCATE ? "a TRUNCATE of " : "a definition change (DDL) of ") + event.getTable() + " at "
                                + RestoreTime.format(event.getCommitTsMicros()) + ", after the point");
                        continue;
                    }
                    List<FoldOp> ops = new ArrayList<>(2);
                    converter.convert(event, ops::add);
                    // an UPDATE that changed the key deletes the old key (its first op) and gives the new one a row
                    boolean gives = op == Op.CREATE || (op == Op.UPDATE && ops.size() == 2 && ops.get(0).kind() == FoldOp.Kind.DELETE);
                    ops.forEach(fold -> add(fold, gives && fold.kind() == FoldOp.Kind.UPSERT, catalog, decoder, tables, reasons));
                }
            }
        }
        Optional<String> reason = reasons.isEmpty() ? Optional.empty() : Optional.of(reasons.get(0)
                + (reasons.size() > 1 ? " (and " + (reasons.size() - 1) + " more)" : ""));
        return new Found(tables, reason, after.size(), events);
    }

    private static void add(FoldOp op, boolean givesRow, ShapeCatalog catalog, RowDecoder decoder, Map<String, TableKeys> tables,
                            List<String> reasons) {
        if (op.kind() == FoldOp.Kind.TRUNCATE || op.key() == null) {
            return;
        }
        TableShape shape = catalog.shape(op.shapeId());
        if (shape.keyColumns().isEmpty()) {
            reasons.add("table " + shape.table() + " has no key in the backup (each row is keyed by its whole image)");
            return;
        }
        TableKeys keys = tables.computeIfAbsent(shape.table(), t -> new TableKeys(keyShape(shape), new HashMap<>(), new HashMap<>()));
        KeyFilter.Key key = KeyFilter.Key.of(op.key());
        keys.values().computeIfAbsent(key, k -> decoder.key(op.key()));
        long[] first = keys.first().get(key);
        if (first == null || FoldOp.compareOrder(op.lsn(), op.txOrder(), first[0], first[1]) < 0) {
            keys.first().put(key, new long[] {op.lsn(), op.txOrder(), givesRow ? 1 : 0});
        }
    }

    /** The key columns alone, with their captured types: what the rollback's key table is made of. */
    private static TableShape keyShape(TableShape shape) {
        List<String> types = shape.keyColumns().stream().map(c -> shape.pgTypes().get(shape.indexOf(c))).toList();
        return new TableShape(shape.table(), shape.keyColumns(), types, shape.keyColumns());
    }
}
