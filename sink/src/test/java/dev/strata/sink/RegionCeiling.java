package dev.strata.sink;

import dev.strata.schemas.Sha256;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.layout.SegmentKey;
import dev.strata.schemas.store.ObjectStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The two regions' raw ceiling beside the sink, for bench/sink: the very segments the sink stored
 * (read back first, not timed), PUT again under other keys to both regions at once, with as many
 * uploads in flight per region as the sink allows itself ({@link SinkConfig#UPLOAD_CONCURRENCY_DEFAULT}),
 * each the store seam's write-once put as the sink's (a HEAD, then a PUT with Content-MD5), and no
 * Kafka, no segmenting, no sealing, no hashing on the way: what the object stores alone take for
 * the same bytes.
 *
 * @param objects segments PUT to each region
 * @param bytes bytes PUT to each region
 */
record RegionCeiling(int objects, long bytes, double seconds) {
    /** Where the copies go: a tenant of its own, so that they are never mistaken for the sink's. */
    private static final String PREFIX = "ceiling-";

    /** The segments the sink stored, read back (before anything else is written for these tenants). */
    record Segments(Map<ObjectKey, byte[]> bodies) {
    }

    static Segments read(SinkTestBed bed, List<String> tenants) {
        ObjectStore primaryReader = bed.primaryReader();
        Map<ObjectKey, byte[]> stored = new java.util.TreeMap<>();
        for (String tenant : tenants) {
            stored.putAll(SinkTestBed.segments(primaryReader, tenant));
        }
        return new Segments(stored);
    }

    static RegionCeiling measure(SinkTestBed bed, Segments segments) throws Exception {
        Map<ObjectKey, byte[]> stored = segments.bodies();
        List<ObjectStore> regions = List.of(bed.writer(bed.stores.primary(), bed.primaryBucket),
                bed.writer(bed.stores.backup(), bed.backupBucket));
        List<Copy> copies = new ArrayList<>();
        long bytes = 0;
        for (Map.Entry<ObjectKey, byte[]> segment : stored.entrySet()) {
            copies.add(new Copy(copyKey(segment.getKey()), segment.getValue(), Sha256.of(segment.getValue())));
            bytes += segment.getValue().length;
        }
        ExecutorService pool = Executors.newFixedThreadPool(regions.size() * SinkConfig.UPLOAD_CONCURRENCY_DEFAULT);
        long start = System.nanoTime();
        try {
            List<Future<?>> puts = new ArrayList<>();
            for (Copy copy : copies) {
                for (ObjectStore region : regions) {
                    puts.add(pool.submit(() -> region.putIfAbsent(copy.key(), copy.body(), copy.sha256())));
                }
            }
            for (Future<?> put : puts) {
                put.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return new RegionCeiling(copies.size(), bytes, (System.nanoTime() - start) / 1e9);
    }

    private record Copy(ObjectKey key, byte[] body, Sha256 sha256) {
    }

    private static ObjectKey copyKey(ObjectKey original) {
        SegmentKey k = BackupLayout.parseSegment(original);
        return BackupLayout.segment(new SegmentKey(TenantId.of(PREFIX + k.tenant().value()), k.minCommitMicros(), k.maxCommitMicros(),
                k.partition(), k.firstOffset(), k.lastOffset()));
    }
}
