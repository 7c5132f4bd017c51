package dev.strata.production.soak;

import dev.strata.schemas.TenantId;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.crypto.BodySealer;
import dev.strata.schemas.crypto.KeyRotation;
import dev.strata.schemas.keystore.KeyStores;
import dev.strata.schemas.keystore.StoredDataKeys;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.regime.RegimeSettings;
import dev.strata.schemas.regime.RegionSettings;
import dev.strata.schemas.segment.SegmentReader;
import dev.strata.schemas.store.ListedObject;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.StoreCredentials;
import dev.strata.schemas.store.VersionPolicy;
import dev.strata.schemas.store.s3.S3ObjectStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Every change of a tenant as one region's log holds it (read with restore-tool's keys: the reader's, and the regime's
 * key-encryption key to open sealed bodies), against the changes the workload committed: after dedupe by eventId each
 * committed change must be there exactly once, under one eventId, and nothing else.
 */
final class StoredChanges {
    private static final int FETCHERS = 6;
    /**
     * One tenant's log in one region.
     *
     * @param events row-change events in the log's segments, copies included
     * @param duplicates events whose eventId an earlier one already had (re-delivered after a crash: removed by dedupe)
     * @param missing committed changes absent from the log
     * @param unexpected changes in the log the workload never committed
     * @param twice committed changes present under two or more eventIds (dedupe cannot remove them)
     */
    record RegionResult(String tenant, String region, int segments, long events, long duplicates, long missing, long unexpected, long twice,
                        List<String> examples) {
        boolean exact() {
            return missing == 0 && unexpected == 0 && twice == 0;
        }
    }

    private StoredChanges() {
    }

    static List<RegionResult> check(Properties restoreConfig, SoakTenant tenant, Set<Long> committed) throws InterruptedException {
        List<RegionResult> results = new ArrayList<>();
        RegionSettings primary = RegimeSettings.withCredentials(restoreConfig, tenant.regime(), RegionSettings.PRIMARY, "reader");
        RegionSettings backup = RegimeSettings.withCredentials(restoreConfig, tenant.regime(), RegionSettings.BACKUP, "reader");
        try (StoredDataKeys keys = KeyStores.open(restoreConfig, primary, backup, KeyRotation.DEFAULT, false)) {
            BodySealer bodies = BodySealer.sealing(keys);
            for (RegionSettings region : List.of(primary, backup)) {
                try (ObjectStore store = S3ObjectStore.open(region.location(), StoreCredentials.fromFile(region.credentialsFile().orElseThrow()),
                        VersionPolicy.FIRST_VERSION)) {
                    results.add(check(tenant, region.role(), store, bodies, committed));
                }
            }
        }
        return results;
    }

    private static RegionResult check(SoakTenant tenant, String region, ObjectStore store, BodySealer bodies, Set<Long> committed)
            throws InterruptedException {
        Map<String, Long> changeByEventId = new HashMap<>();
        Map<Long, Integer> eventIdsPerChange = new HashMap<>();
        long events = 0;
        long duplicates = 0;
        List<ObjectKey> keys = store.listAll(BackupLayout.logPrefix(TenantId.of(tenant.id())), Optional.empty()).map(ListedObject::key).toList();
        // fetched several at once (each GET waits on the gateway, not on the CPU), read in key order
        ExecutorService fetchers = Executors.newFixedThreadPool(FETCHERS);
        try {
            List<Future<List<ChangeEvent>>> reads = new ArrayList<>();
            for (ObjectKey key : keys) {
                reads.add(fetchers.submit(() -> {
                    byte[] body = bodies.open(key, store.get(key).orElseThrow().bytes());
                    return SegmentReader.readAllChecked(body, key.value());
                }));
            }
            for (Future<List<ChangeEvent>> read : reads) {
                for (ChangeEvent event : read.get()) {
                    Optional<Long> change = ChangeId.of(event);
                    if (change.isEmpty()) {
                        continue;
                    }
                    events++;
                    Long earlier = changeByEventId.putIfAbsent(event.getEventId().toString(), change.get());
                    if (earlier != null) {
                        duplicates++;
                        if (!earlier.equals(change.get())) {
                            throw new IllegalStateException("eventId " + event.getEventId() + " of tenant " + tenant.id() + " in " + region
                                    + " names two changes: " + ChangeId.describe(earlier) + " and " + ChangeId.describe(change.get()));
                        }
                    } else {
                        eventIdsPerChange.merge(change.get(), 1, Integer::sum);
                    }
                }
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot read the log of tenant " + tenant.id() + " in " + region + ": " + e.getCause(), e.getCause());
        } finally {
            fetchers.shutdownNow();
        }
        List<String> examples = new ArrayList<>();
        long missing = committed.stream().filter(c -> !eventIdsPerChange.containsKey(c)).peek(c -> example(examples, "missing: ", c)).count();
        Set<Long> stored = new HashSet<>(eventIdsPerChange.keySet());
        stored.removeAll(committed);
        stored.forEach(c -> example(examples, "never committed: ", c));
        long twice = eventIdsPerChange.entrySet().stream().filter(e -> e.getValue() > 1).peek(e -> example(examples, "under several eventIds: ", e.getKey()))
                .count();
        return new RegionResult(tenant.id(), region, keys.size(), events, duplicates, missing, stored.size(), twice, examples);
    }

    private static void example(List<String> examples, String what, long change) {
        if (examples.size() < 5) {
            examples.add(what + ChangeId.describe(change));
        }
    }
}
