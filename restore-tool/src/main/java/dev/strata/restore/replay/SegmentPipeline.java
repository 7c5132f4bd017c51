package dev.strata.restore.replay;

import dev.strata.restore.VerificationFailedException;
import dev.strata.restore.store.FetchedObject;
import dev.strata.restore.store.ListedSegment;
import dev.strata.restore.store.ManifestIndex;
import dev.strata.restore.store.ObjectFetcher;
import dev.strata.schemas.fold.ChangeFolder;
import dev.strata.schemas.fold.FastSegmentDecoder;
import dev.strata.schemas.fold.FoldOp;
import dev.strata.schemas.fold.SegmentFold;
import dev.strata.schemas.fold.ShapeCatalog;
import dev.strata.schemas.fold.definition.DefinitionHistory;
import dev.strata.schemas.fold.select.KeyInterest;
import dev.strata.schemas.segment.ForeignTenantException;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Fetches, verifies, decodes and folds segments on a few threads, in whatever order they finish:
 * the fold does not depend on order, and it is thread-safe, so there is no serial stage to starve.
 * A segment's changes are folded only after its every byte matched its checksum, so nothing
 * unverified is ever folded. Segments of the current schema take the fast decoder; older ones the
 * SegmentReader and EventConverter. The calling thread only counts, for progress.
 */
final class SegmentPipeline {
    private final ObjectFetcher fetcher;
    private final ManifestIndex manifests;
    private static final int BATCH = 4096;

    private final SegmentFold segments;
    private final ChangeFolder folder;
    private final int threads;
    private final TableFilter tables;
    private final KeyFilter keys;
    private final ShapeCatalog catalog;
    private final NewerImages newerImages = new NewerImages();

    /**
     * @param tables which tables' changes are folded; it also learns every table a change named
     * @param keys which keys of those tables are folded
     */
    SegmentPipeline(ObjectFetcher fetcher, ManifestIndex manifests, SegmentFold segments, ChangeFolder folder, int threads,
                    TableFilter tables, KeyFilter keys, ShapeCatalog catalog) {
        this.fetcher = fetcher;
        this.manifests = manifests;
        this.segments = segments;
        this.folder = folder;
        this.threads = threads;
        this.tables = tables;
        this.keys = keys;
        this.catalog = catalog;
    }

    void run(List<ListedSegment> segments, Consumer<SegmentBatch> consumer) {
        run(segments, consumer, null, null);
    }

    /**
     * As {@link #run(List, Consumer)}, in the order given, stopping where {@code settlement} finds the segments not
     * yet read not needed (decided with no segment being read, so on changes of segments read whole).
     *
     * @param settlement null: every segment is read
     * @param definitions the table definitions the segments read gave (a window holding any is read to its end)
     * @return how many segments, the last ones in {@code segments}, were not read
     */
    int run(List<ListedSegment> segments, Consumer<SegmentBatch> consumer, KeySettlement settlement, DefinitionHistory definitions) {
        AtomicInteger number = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads, task -> {
            Thread t = new Thread(task, "restore-reader-" + number.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            CompletionService<SegmentBatch> done = new ExecutorCompletionService<>(pool);
            Deque<ListedSegment> waiting = new ArrayDeque<>(segments);
            int running = 0;
            while (running > 0 || !waiting.isEmpty()) {
                while (running < threads && !waiting.isEmpty() && !restNotNeeded(settlement, waiting.peek(), definitions)) {
                    ListedSegment next = waiting.poll();
                    done.submit(() -> read(next, settlement));
                    running++;
                }
                if (running == 0) {
                    break; // nothing being read, and what remains is not needed
                }
                SegmentBatch batch = take(done);
                running--;
                consumer.accept(batch);
            }
            return waiting.size();
        } finally {
            pool.shutdownNow();
        }
    }

    /** Whether the segments from {@code next} on need no reading: its newest change is older than every change read. */
    private static boolean restNotNeeded(KeySettlement settlement, ListedSegment next, DefinitionHistory definitions) {
        return settlement != null && settlement.restNotNeeded(next.maxCommitMicros(), definitions);
    }

    /** Fetches, verifies, decodes and folds one segment, on a reader thread. */
    private SegmentBatch read(ListedSegment segment, KeySettlement settlement) {
        FetchedObject object = fetcher.fetch(segment.key(), segment.regions(), manifests.entry(segment.key()));
        // the fetcher matched the bytes to their SHA-256 before any change of them is folded
        List<FoldOp> batch = new ArrayList<>(BATCH);
        TableFilter.Pass pass = tables.pass();
        KeyFilter.Pass keyPass = keys.pass(catalog, folder, settlement, newerImages.knownNewerThan(segment));
        Consumer<FoldOp> fold = op -> {
            if (!pass.keep(op.tableId()) || !keyPass.keep(op)) {
                return;
            }
            batch.add(op);
            if (batch.size() == BATCH) {
                folder.acceptAll(batch);
                batch.clear();
            }
        };
        // asked before a change's images are decoded (whether it is in the restore is not known yet): a key not wanted is
        // walked over, as the consumer would drop it; so is a change older than the row the fold holds for its key
        KeyInterest interest = new KeyInterest() {
            @Override
            public boolean wants(int tableId, byte[] key, int length) {
                return pass.wants(tableId) && keyPass.wants(tableId, key, length);
            }

            @Override
            public boolean mayBeSuperseded(int tableId, byte[] key, int length) {
                return folder.holdsWholeRow(tableId, key, length);
            }

            @Override
            public boolean supersedes(int tableId, byte[] key, int length, long lsn, long txOrder) {
                return folder.supersedes(tableId, key, length, lsn, txOrder);
            }

            @Override
            public boolean shapeNeeded(int tableId) {
                return pass.wants(tableId) && keyPass.shapeNeeded(tableId); // a table not restored needs no shape
            }

            @Override
            public void skipped(int tableId, int shapeId, long lsn, long txOrder) {
                if (pass.keep(tableId)) {
                    keyPass.dropped(tableId, shapeId, lsn, txOrder);
                }
            }
        };
        FastSegmentDecoder.Counts counts;
        try {
            counts = segments.read(object.bytes(), segment.key().value(), fold, interest);
        } catch (ForeignTenantException e) {
            // its bytes are those its writer declared, so no other copy is better: the writer key was misused, refuse
            throw new VerificationFailedException(e.getMessage(), e);
        }
        folder.acceptAll(batch);
        pass.close();
        keyPass.close();
        boolean heldSnapshotRows = counts.snapshotRows() > 0;
        newerImages.read(segment, keyPass.imaged(), heldSnapshotRows);
        if (settlement != null) {
            settlement.read(segment, heldSnapshotRows); // after every change of it was reported
        }
        return new SegmentBatch(counts.events(), counts.afterUntil(), object.bytes().length, object.from(), object.sealed());
    }

    private static SegmentBatch take(CompletionService<SegmentBatch> done) {
        try {
            return done.take().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("the restore was interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("reading a segment failed: " + e.getCause(), e.getCause());
        }
    }
}
