package dev.strata.restore.replay;

import dev.strata.restore.plan.RestorePlan;
import dev.strata.restore.store.RegimeStores;
import dev.strata.restore.store.Region;
import dev.strata.restore.store.RegionStore;
import dev.strata.restore.target.NdjsonTarget;
import dev.strata.restore.testing.SinkBackup;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.fold.select.TransactionFilter;
import dev.strata.schemas.fold.FoldMemory;
import dev.strata.schemas.store.InMemoryBucket;
import dev.strata.schemas.store.VersionPolicy;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToIntFunction;

/**
 * One tenant's events written by the sink's classes, each to its partition, in segments of a few events, to in-memory
 * regions; restored from them into NDJSON (a table keyed by id with a name column).
 */
final class PartitionedBackup {
    private final InMemoryBucket primary = new InMemoryBucket();
    private final InMemoryBucket backup = new InMemoryBucket();
    private final Path spill;
    private final String tenant;

    PartitionedBackup(Path spill, List<ChangeEvent> events, ToIntFunction<ChangeEvent> partitionOf, int eventsPerSegment) {
        this.spill = spill;
        this.tenant = events.get(0).getTenant();
        Map<Integer, List<ChangeEvent>> partitions = new TreeMap<>();
        events.forEach(e -> partitions.computeIfAbsent(partitionOf.applyAsInt(e), p -> new ArrayList<>()).add(e));
        try (SinkBackup writer = new SinkBackup(primary.store(VersionPolicy.LATEST_VERSION), backup.store(VersionPolicy.LATEST_VERSION),
                spill)) {
            partitions.forEach((partition, in) -> writer.write(partition, in, SinkBackup.everyNEvents(eventsPerSegment)));
        }
    }

    Restored restore(int readers, String until) {
        return restore(readers, until, KeyFilter.ALL);
    }

    /** @param keys the keys restored: {@link KeyFilter#ALL}, or some read newest segment first as a rollback reads them */
    Restored restore(int readers, String until, KeyFilter keys) {
        RegimeStores stores = new RegimeStores("eu",
                new RegionStore(Region.PRIMARY, primary.store(VersionPolicy.FIRST_VERSION), "strata.regime.eu.primary."),
                new RegionStore(Region.BACKUP, backup.store(VersionPolicy.FIRST_VERSION), "strata.regime.eu.backup."));
        Replay replay = new Replay(stores, new ReplayOptions(Duration.ofHours(1), readers, FoldMemory.defaults(spill), false),
                Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), Progress.NONE);
        RestorePlan plan = replay.plan(TenantId.of(tenant), until);
        StringWriter out = new StringWriter();
        try (NdjsonTarget target = NdjsonTarget.toStream(out)) {
            ReplaySummary summary = replay.run(plan, target, TransactionFilter.ALL, keys);
            return new Restored(NdjsonRows.idToName(out.toString()), summary, out.toString());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** @param rows id -> name; @param ndjson the lines the target printed */
    record Restored(Map<String, String> rows, ReplaySummary summary, String ndjson) {
    }
}
