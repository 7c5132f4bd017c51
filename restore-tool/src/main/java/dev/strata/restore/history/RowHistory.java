package dev.strata.restore.history;

import dev.strata.restore.BadInputException;
import dev.strata.restore.VerificationFailedException;
import dev.strata.restore.ledger.ErasedRows;
import dev.strata.restore.ledger.ErasureLedger;
import dev.strata.restore.store.FetchedObject;
import dev.strata.restore.store.ListedSegment;
import dev.strata.restore.store.LogListing;
import dev.strata.restore.store.ManifestIndex;
import dev.strata.restore.store.ObjectFetcher;
import dev.strata.restore.store.RegimeStores;
import dev.strata.restore.store.RegionNotes;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.event.CutTime;
import dev.strata.schemas.segment.ForeignTenantException;
import dev.strata.schemas.segment.SegmentReader;
import dev.strata.schemas.segment.SegmentTenants;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Finds the versions of a row (or the changes of one kind) in a tenant's log: lists the segments
 * of the range in both regions, fetches each from a region whose copy matches its checksum, checks
 * that it holds only the tenant's events, and keeps the matching changes. Bases are not read: they
 * keep one version per row, the log keeps them all.
 */
public final class RowHistory {
    private final RegimeStores stores;
    private final int readers;
    private final RegionNotes notes = new RegionNotes();

    public RowHistory(RegimeStores stores, int readers) {
        this.stores = stores;
        this.readers = readers;
    }

    /** What {@link #read} found, newest first, and what it read to find it. */
    public record Found(List<RowVersion> versions, int matched, int segmentsRead, List<String> notes) {
    }

    public Found read(TenantId tenant, HistoryQuery query) {
        List<ListedSegment> segments = LogListing.list(stores, tenant, Optional.empty(), query.untilMicros(), notes).segments().stream()
                .filter(s -> s.maxCommitMicros() >= query.sinceMicros())
                .toList();
        Seen seen = new Seen(query.table());
        List<ChangeEvent> matching = segments.isEmpty() ? List.of() : matching(tenant, query, segments, seen);
        List<RowVersion> versions = new ArrayList<>(new VersionChain().versions(matching, query));
        if (versions.isEmpty()) {
            seen.explainNothingFound(tenant, query);
        }
        versions = erased(new ErasedRows(ErasureLedger.read(stores, tenant, notes::note).erasures()), query.table(), versions);
        versions.sort(Comparator.comparingLong(RowVersion::cutMicros).thenComparingLong(RowVersion::lsn).reversed());
        int matched = versions.size();
        return new Found(List.copyOf(versions.subList(0, Math.min(query.limit(), matched))), matched, segments.size(), notes.notes());
    }

    /** The ledger applied to history as to every restore: an erased row's versions are not shown, nulled columns show NULL. */
    private static List<RowVersion> erased(ErasedRows ledger, String table, List<RowVersion> versions) {
        List<RowVersion> shown = new ArrayList<>();
        for (RowVersion v : versions) {
            Optional<Map<String, String>> row = ledger.visible(table, v.key(), v.row());
            if (row.isPresent()) {
                Optional<Map<String, String>> changed = v.changed().map(c -> ledger.visible(table, v.key(), c).orElseThrow());
                shown.add(new RowVersion(v.cutMicros(), v.commitMicros(), v.op(), v.txId(), v.lsn(), v.key(), row.get(), changed));
            }
        }
        return shown;
    }

    private List<ChangeEvent> matching(TenantId tenant, HistoryQuery query, List<ListedSegment> segments, Seen seen) {
        ManifestIndex manifests = ManifestIndex.load(stores, tenant,
                segments.stream().map(s -> s.segment().hour()).min(Comparator.naturalOrder()).orElseThrow(),
                segments.stream().map(s -> s.segment().hour()).max(Comparator.naturalOrder()).orElseThrow(), notes);
        ObjectFetcher fetcher = new ObjectFetcher(stores, notes);
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, readers), task -> {
            Thread t = new Thread(task, "history-reader");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<List<ChangeEvent>>> reads = new ArrayList<>();
            for (ListedSegment segment : segments) {
                reads.add(pool.submit(() -> matchingIn(fetcher.fetch(segment.key(), segment.regions(), manifests.entry(segment.key())),
                        tenant, query, seen)));
            }
            List<ChangeEvent> all = new ArrayList<>();
            for (Future<List<ChangeEvent>> read : reads) {
                all.addAll(result(read));
            }
            return all;
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<ChangeEvent> matchingIn(FetchedObject object, TenantId tenant, HistoryQuery query, Seen seen) {
        String source = object.key().value();
        try {
            // the fetcher matched the bytes to their SHA-256; a writer key may still have filed another tenant's events here
            SegmentTenants.requireTenant(object.bytes(), tenant, source);
        } catch (ForeignTenantException e) {
            throw new VerificationFailedException(e.getMessage(), e);
        }
        List<ChangeEvent> found = new ArrayList<>();
        for (ChangeEvent event : SegmentReader.readAllChecked(object.bytes(), source)) {
            long cut = CutTime.of(event);
            seen.saw(event);
            if (cut >= query.sinceMicros() && cut <= query.untilMicros() && VersionChain.isVersionOf(event, query)) {
                found.add(event);
            }
        }
        return found;
    }

    /** What the scan saw besides the matches, to tell a typo from an empty history. */
    private static final class Seen {
        private final String table;
        private final Set<String> tables = ConcurrentHashMap.newKeySet();
        private final Set<String> keyColumns = ConcurrentHashMap.newKeySet();

        Seen(String table) {
            this.table = table;
        }

        void saw(ChangeEvent event) {
            tables.add(event.getTable());
            if (event.getTable().equals(table) && event.getKey() != null) {
                event.getKey().forEach(c -> keyColumns.add(c.getName()));
            }
        }

        void explainNothingFound(TenantId tenant, HistoryQuery query) {
            if (!tables.isEmpty() && !tables.contains(table)) {
                throw new BadInputException("the log of tenant " + tenant + " holds no change of table " + table + " in that range;"
                        + " its tables there: " + new TreeSet<>(tables) + " (give --table as schema.table)");
            }
            if (!keyColumns.isEmpty() && !keyColumns.containsAll(query.key().keySet())) {
                throw new BadInputException("--key names " + new TreeSet<>(query.key().keySet()) + " but the key of " + table
                        + " is " + new TreeSet<>(keyColumns) + ": give key columns only");
            }
        }
    }

    private static List<ChangeEvent> result(Future<List<ChangeEvent>> read) {
        try {
            return read.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the log", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("reading a segment failed: " + e.getCause(), e.getCause());
        }
    }
}
