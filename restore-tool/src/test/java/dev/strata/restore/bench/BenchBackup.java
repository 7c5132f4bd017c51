package dev.strata.restore.bench;

import dev.strata.local.LocalObjectStores;
import dev.strata.restore.ToolConfig;
import dev.strata.restore.testing.BackupWriter;
import dev.strata.restore.testing.LocalStores;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.UtcHour;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.segment.Segment;
import dev.strata.schemas.segment.SegmentWriter;
import dev.strata.schemas.store.ObjectStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * The benchmark tenant's backup in the two local Ceph regions, written as the sink writes it:
 * segments of {@value #EVENTS_PER_SEGMENT} events with the same bytes under the same key in both
 * regions, then a sealed manifest for every hour but the last (the one still open).
 */
final class BenchBackup {
    static final int EVENTS_PER_SEGMENT = 50_000;
    private static final String PRIMARY_BUCKET = "bench-primary";
    private static final String BACKUP_BUCKET = "bench-backup";

    /** Sees each segment right after both regions hold it (a base folds those bytes, as the sink's do). */
    interface SegmentListener {
        void written(ObjectKey key, Segment segment);
    }

    private BenchBackup() {
    }

    static void write(LocalObjectStores stores, BenchRows log, SegmentListener listener) {
        stores.primary().createLockedBucket(PRIMARY_BUCKET);
        stores.backup().createLockedBucket(BACKUP_BUCKET);
        TenantId tenant = TenantId.of(BenchRows.TENANT);
        try (ObjectStore p = primaryWriter(stores); ObjectStore b = backupWriter(stores)) {
            BackupWriter writer = new BackupWriter(p, b);
            List<ChangeEvent> batch = new ArrayList<>(EVENTS_PER_SEGMENT);
            long[] last = new long[1];
            Runnable flush = () -> {
                Segment segment = SegmentWriter.encode(batch);
                listener.written(writer.segment(tenant, segment), segment);
                batch.clear();
            };
            log.forEach(e -> {
                batch.add(e);
                last[0] = e.getCommitTsMicros();
                if (batch.size() == EVENTS_PER_SEGMENT) {
                    flush.run();
                }
            });
            if (!batch.isEmpty()) {
                flush.run();
            }
            writer.seal(tenant, Optional.of(UtcHour.containing(last[0])));
        }
    }

    /** The sink's credentials: the only ones that may write to the locked buckets. */
    static ObjectStore primaryWriter(LocalObjectStores stores) {
        return LocalStores.writer(stores.primary(), PRIMARY_BUCKET);
    }

    static ObjectStore backupWriter(LocalObjectStores stores) {
        return LocalStores.writer(stores.backup(), BACKUP_BUCKET);
    }

    /** The restore tool's config for both buckets, with the reader credentials. */
    static Path toolConfig(LocalObjectStores stores, Path dir) throws IOException {
        Properties props = LocalStores.regime("bench", stores.primary(), PRIMARY_BUCKET, stores.backup(), BACKUP_BUCKET);
        props.setProperty(ToolConfig.READERS, System.getProperty("strata.bench.readers", Integer.toString(ToolConfig.READERS_DEFAULT)));
        return LocalStores.write(props, dir);
    }
}
