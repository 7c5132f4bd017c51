package dev.strata.restore.rollback;

import dev.strata.restore.VerificationFailedException;
import dev.strata.restore.plan.RestorePlan;
import dev.strata.restore.replay.KeyFilter;
import dev.strata.restore.replay.RowAtPoint;
import dev.strata.restore.store.FetchedObject;
import dev.strata.restore.store.ListedSegment;
import dev.strata.restore.store.ManifestIndex;
import dev.strata.restore.store.ObjectFetcher;
import dev.strata.restore.store.RegimeStores;
import dev.strata.restore.store.RegionNotes;
import dev.strata.schemas.fold.SegmentFold;
import dev.strata.schemas.fold.ShapeCatalog;
import dev.strata.schemas.fold.TableShape;
import dev.strata.schemas.fold.select.TransactionFilter;
import dev.strata.schemas.segment.ForeignTenantException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

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
     * @param atPoint per key whose first change carries an old row of more columns than the key's, that row: the key's row at
     *     the point when whole, which the rollback judges
     */
    record TableKeys(TableShape shape, Map<KeyFilter.Key, Object[]> values, Map<KeyFilter.Key, long[]> first,
                     Map<KeyFilter.Key, RowAtPoint> atPoint) {

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
            return filter(uniqueAtOnce, Map.of());
        }

        /**
         * As {@link #filter(Set)}, the keys whose first change carries an old row that {@code atPoint} accepts given those
         * rows instead of being read from the log: in a table where each key that may have had a row at the point has one,
         * else in none (the log's shape of the table at the point and an old row's could differ, after a change of its
         * columns that no definition in the log shows, and the table would take the old row's).
         *
         * @param atPoint per table, which old rows stand for the key's row at the point; a table not named: none
         */
        KeyFilter filter(Set<String> uniqueAtOnce, Map<String, Predicate<RowAtPoint>> atPoint) {
            Map<String, Set<KeyFilter.Key>> keys = new HashMap<>();
            Map<String, Set<KeyFilter.Key>> existed = new HashMap<>();
            List<RowAtPoint> given = new ArrayList<>();
            tables.forEach((table, k) -> {
                Set<KeyFilter.Key> mayHaveExisted = uniqueAtOnce.contains(table) ? k.notInsertedFirst() : k.values().keySet();
                Predicate<RowAtPoint> accepted = atPoint.get(table);
                Set<KeyFilter.Key> read = new HashSet<>(k.values().keySet());
                if (accepted != null && mayHaveExisted.stream().allMatch(key -> k.atPoint().containsKey(key)
                        && accepted.test(k.atPoint().get(key)))) {
                    mayHaveExisted.forEach(key -> given.add(k.atPoint().get(key)));
                    read.removeAll(mayHaveExisted);
                }
                if (!read.isEmpty()) {
                    keys.put(table, read);
                    Set<KeyFilter.Key> stillMay = new HashSet<>(mayHaveExisted);
                    stillMay.retainAll(read);
                    existed.put(table, stillMay);
                }
            });
            return KeyFilter.only(keys, existed, given);
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
                Map<KeyFilter.Key, RowAtPoint> atPoint = new HashMap<>(keys.atPoint());
                if (known != null) {
                    values.keySet().removeAll(known.values().keySet());
                    first.keySet().retainAll(values.keySet());
                    atPoint.keySet().retainAll(values.keySet());
                }
                if (!values.isEmpty()) {
                    more.put(table, new TableKeys(keys.shape(), values, first, atPoint));
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
        // the visibility is the gate's: a TRUNCATE, a DDL and a READ count whoever wrote them
        SegmentFold segments = new SegmentFold(toDurablePoint.tenant(), catalog, toDurablePoint.untilMicros());
        ChangedKeys changed = new ChangedKeys(catalog, sinceMicros, visible);
        for (ListedSegment segment : after) {
            FetchedObject object = fetcher.fetch(segment.key(), segment.regions(), manifests.entry(segment.key()));
            try {
                segments.read(object.bytes(), segment.key().value(), changed, null, changed);
            } catch (ForeignTenantException e) {
                // its bytes are those its writer declared, so no other copy is better: the writer key was misused, refuse
                throw new VerificationFailedException(e.getMessage(), e);
            }
        }
        return changed.found(after.size());
    }
}
