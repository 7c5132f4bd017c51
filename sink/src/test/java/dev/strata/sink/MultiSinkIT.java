package dev.strata.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.local.LocalKafka;
import dev.strata.local.LocalObjectStores;
import dev.strata.local.LocalRegion;
import dev.strata.local.StoreRole;
import dev.strata.local.LocalStackExtension;
import dev.strata.schemas.Sha256;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.ops.StopSignal;
import dev.strata.schemas.store.InMemoryBucket;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.VersionPolicy;
import dev.strata.schemas.watermark.Watermark;
import dev.strata.sink.segment.ClosedSegment;
import dev.strata.sink.segment.EventView;
import dev.strata.sink.segment.OpenSegment;
import dev.strata.sink.segment.RotationReason;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Several sink JVMs of one regime in its consumer group, under a steady load of several tenants on 6
 * partitions: a second sink joins (partitions move while segments are uploading, and mostly open), the first
 * stops gracefully, the second is killed -9, a third starts. Then, per tenant: every event produced is
 * in both regions, no event is in two objects (a re-upload is the same object), every object (segments,
 * manifests, bases, durable marks) was written once per region, although seals and bases ran on every
 * instance, and the fold a restore makes equals the fold of the events produced.
 */
@ExtendWith(LocalStackExtension.class)
class MultiSinkIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final List<String> TENANTS = List.of("m0", "m1", "m2", "m3", "m4", "m5");
    private static final int ROUNDS_PER_BATCH = 5;
    private static final int PARTITIONS = 6;
    private static final Pattern RESUMED = Pattern.compile("partition (\\d+): resuming at offset");

    @Test
    void partitionsMovingBetweenSinksLoseNothingAndWriteEveryObjectOnce(LocalKafka kafka, LocalObjectStores stores) throws Exception {
        long started = System.nanoTime();
        List<SinkProcess> sinks = new ArrayList<>();
        try (SinkTestBed bed = new SinkTestBed(kafka, stores, "multi", PARTITIONS)) {
            Path dir = LocalStackExtension.workDir().resolve("multi-sink-" + bed.regime);
            Properties config = config(bed, dir);
            SteadyLoad load = new SteadyLoad(bed);
            ObjectStore primary = bed.primaryReader();
            String firstLog;
            String secondLog;
            String thirdLog;
            try {
                SinkProcess first = start(sinks, dir.resolve("first"), config);
                await("the first sink is assigned every partition", () -> resumed(first).size() == PARTITIONS, load, first);
                // it joins the group seconds later (its start-up), when the first has segments open and uploading
                SinkProcess second = start(sinks, dir.resolve("second"), config);
                await("the first sink gives partitions to the second", () -> logOf(first).contains("revoked") && !resumed(second).isEmpty(),
                        load, first, second);
                awaitProgress("both sinks store segments", primary, 6, load, first, second);
                first.close(); // SIGTERM: a graceful stop while the load goes on
                await("the second sink takes every partition", () -> resumed(second).size() == PARTITIONS, load, second);
                awaitProgress("the second sink stores segments alone", primary, 6, load, second);
                second.crash(); // kill -9 with segments open and uploads in flight
                SinkProcess third = start(sinks, dir.resolve("third"), config);
                await("the third sink takes every partition", () -> resumed(third).size() == PARTITIONS, load, third);
                load.stop();
                bed.awaitAllCommitted(TIMEOUT);
                assertThat(third.alive()).as("the third sink runs").isTrue();
                third.close();
                firstLog = first.log();
                secondLog = second.log();
                thirdLog = third.log();
            } finally {
                load.stop();
                for (SinkProcess sink : sinks) {
                    sink.close();
                }
            }
            String logs = firstLog + secondLog + thirdLog;
            // whether a segment of the revoked partitions was open depends on the moment: an age rotation (every 500 ms) leaves none
            // open until the next batch (every ~110 ms) is read, and it was once in CI. RebalancerTest forces it: said, not asserted
            boolean revokedOpen = firstLog.contains("rotated (REVOCATION)");
            // whether the kill left segments above the committed offset depends on its moment (SinkCrashIT forces it): said, not asserted
            boolean recovered = thirdLog.contains("recovering them from the buckets");
            assertThat(logs).as("no instance met an object another had written with other bytes").doesNotContain("ALARM")
                    .doesNotContainIgnoringCase("conflict");

            List<ChangeEvent> events = load.produced();
            Map<String, Watermark> watermarks = bed.watermarks();
            long manifests = 0;
            long bases = 0;
            Map<String, List<String>> inPrimary = versions(bed.stores.primary(), bed.primaryBucket);
            Map<String, List<String>> inBackup = versions(bed.stores.backup(), bed.backupBucket);
            for (Map<String, List<String>> region : List.of(inPrimary, inBackup)) {
                assertThat(region).as("every object (segments, manifests, bases, marks) written once per region").isNotEmpty()
                        .allSatisfy((key, etags) -> assertThat(etags).as(key).hasSize(1));
            }
            assertThat(log(inBackup)).as("the same segments in both regions").isEqualTo(log(inPrimary));
            Set<String> inOneRegion = new TreeSet<>(inPrimary.keySet());
            inOneRegion.addAll(inBackup.keySet());
            inOneRegion.removeIf(key -> inPrimary.containsKey(key) && inBackup.containsKey(key));
            inPrimary.keySet().stream().filter(inBackup::containsKey)
                    .forEach(key -> assertThat(inBackup.get(key)).as("%s: the same bytes (MD5 ETag) in both regions", key).isEqualTo(inPrimary.get(key)));
            // each key has one version: reading the latest is reading the first, with one GET
            ObjectStore primaryObjects = bed.reader(bed.stores.primary(), bed.primaryBucket, VersionPolicy.LATEST_VERSION);
            for (String tenant : TENANTS) {
                checkTenant(bed, events, tenant, primaryObjects, watermarks.get(tenant), dir);
                manifests += count(primary, BackupLayout.manifestsPrefix(TenantId.of(tenant)));
                bases += count(primary, BackupLayout.basesPrefix(TenantId.of(tenant)));
            }
            assertThat(manifests).as("manifests were sealed").isPositive();
            assertThat(bases).as("bases were made").isPositive();
            System.out.printf("MultiSinkIT: %d events of %d tenants; the first sink had segments open at its revocation: %s;"
                            + " the third sink recovered segments the killed one left: %s;"
                            + " rotations REVOCATION %d, SHUTDOWN %d, RECOVERY %d;"
                            + " %d manifests and %d base objects, each written once per region; in one region only (a put the kill cut"
                            + " off: a mark, a base object or manifest not yet completed) %s; %.1f s%n", events.size(), TENANTS.size(), revokedOpen, recovered,
                    occurrences(logs, "rotated (REVOCATION)"), occurrences(logs, "rotated (SHUTDOWN)"), occurrences(logs, "rotated (RECOVERY)"),
                    manifests, bases, inOneRegion, (System.nanoTime() - started) / 1e9);
        }
    }

    private static SinkProcess start(List<SinkProcess> sinks, Path dir, Properties config) throws IOException {
        SinkProcess sink = SinkProcess.start(dir, config);
        sinks.add(sink);
        return sink;
    }

    /** Rounds of one event per tenant, produced until stopped, about 300 events per second: what the sinks share while they come and go. */
    private static final class SteadyLoad {
        private final SinkTestBed bed;
        private final StopSignal stop = new StopSignal();
        private final CompletableFuture<Integer> rounds;

        SteadyLoad(SinkTestBed bed) {
            this.bed = bed;
            ExecutorService thread = Executors.newSingleThreadExecutor(); // not the common pool, which an earlier test may have blocked
            this.rounds = CompletableFuture.supplyAsync(this::run, thread);
            thread.shutdown();
        }

        private int run() {
            int round = 0;
            while (!stop.stopped()) {
                bed.produce(bed.events(TENANTS, round, ROUNDS_PER_BATCH, SinkTestBed.BASE_COMMIT_MICROS));
                round += ROUNDS_PER_BATCH;
                stop.awaitStop(Duration.ofMillis(100));
            }
            return round;
        }

        /** Returns once the last batch is acknowledged: what the topic's end offsets then say is all there is. */
        void stop() {
            stop.stop();
            rounds.exceptionally(failed -> 0).join();
        }

        /** Fails the test at once if the producer failed. */
        void check() {
            assertThat(rounds).as("the producer").isNotCompletedExceptionally();
        }

        /** Every event produced, once the load has stopped. */
        List<ChangeEvent> produced() throws Exception {
            return bed.events(TENANTS, 0, rounds.get(), SinkTestBed.BASE_COMMIT_MICROS);
        }
    }

    private static Properties config(SinkTestBed bed, Path dir) {
        Properties config = bed.sinkProperties();
        config.setProperty(SinkConfig.SEGMENT_MAX_RECORDS, "150");
        config.setProperty(SinkConfig.FLUSH_INTERVAL_MS, "500");
        // the hour of these commit times is long over: every instance seals and folds while partitions move
        config.setProperty(SinkConfig.MANIFEST_GRACE_MS, "1");
        config.setProperty(SinkConfig.BASE_TAIL_MIN_EVENTS, "200");
        config.setProperty(SinkConfig.BASE_CHECK_INTERVAL_MS, "1000");
        config.setProperty(SinkConfig.BASE_SPILL_DIR, dir.resolve("spill").toString());
        config.setProperty(SinkConfig.DURABLE_MARK_INTERVAL_MS, "2000");
        return config;
    }

    private static void checkTenant(SinkTestBed bed, List<ChangeEvent> events, String tenant, ObjectStore primary,
                                    Watermark watermark, Path dir) {
        Map<ObjectKey, byte[]> inPrimary = SinkTestBed.segments(primary, tenant);
        List<String> ids = bed.eventIds(inPrimary);
        assertThat(new HashSet<>(ids)).as("tenant %s: every event produced", tenant).isEqualTo(new HashSet<>(SinkTestBed.ids(events, tenant)));
        assertThat(ids).as("tenant %s: no event in two objects", tenant).doesNotHaveDuplicates();
        long lastCommit = events.stream().filter(e -> e.getTenant().equals(tenant)).mapToLong(ChangeEvent::getCommitTsMicros).max()
                .orElseThrow();
        assertThat(watermark).as("tenant %s: its watermark", tenant).isNotNull();
        assertThat(watermark.durableCommitMicros()).as("tenant %s: the watermark claims no more than was produced, and all of it", tenant)
                .isBetween(lastCommit - 1, lastCommit);
        Map<String, Map<String, String>> restored = RenderedFold.of(inMemory(inPrimary), bed.bodies(), Optional.empty(), List.copyOf(inPrimary.keySet()),
                Long.MAX_VALUE, dir);
        assertThat(restored).as("tenant %s: the fold of its backup equals that of the events produced", tenant)
                .isEqualTo(sourceFold(bed, events, tenant, dir)).isNotEmpty();
        assertThat(restored.values().stream().mapToInt(Map::size).sum()).isEqualTo(SinkTestBed.ids(events, tenant).size());
    }

    /** The events produced for the tenant, in one segment cut by the sink's own code, folded as a restore folds. */
    private static Map<String, Map<String, String>> sourceFold(SinkTestBed bed, List<ChangeEvent> events, String tenant, Path dir) {
        OpenSegment open = new OpenSegment(TenantId.of(tenant), 0, 1, Instant.EPOCH, SinkParts.ZSTD_LEVEL, Optional.empty());
        long offset = 0;
        for (ChangeEvent e : events) {
            if (e.getTenant().equals(tenant)) {
                open.append(offset++, EventView.of(e));
            }
        }
        ClosedSegment source = open.close(RotationReason.SHUTDOWN, Instant.EPOCH);
        return RenderedFold.of(inMemory(Map.of(source.key(), source.bytes())), bed.bodies(), Optional.empty(), List.of(source.key()), Long.MAX_VALUE, dir);
    }

    /** Objects already read (and matched to their SHA-256), folded without reading them from the regions again. */
    private static ObjectStore inMemory(Map<ObjectKey, byte[]> objects) {
        ObjectStore store = new InMemoryBucket().store(VersionPolicy.FIRST_VERSION);
        objects.forEach((key, bytes) -> store.putIfAbsent(key, bytes, Sha256.of(bytes)));
        return store;
    }

    /** The ETag of each version of every object of the regime's bucket, per key (one paged listing, as restore-tool verify counts them). */
    private static Map<String, List<String>> versions(LocalRegion region, String bucket) {
        Map<String, List<String>> versions = new TreeMap<>();
        try (S3Client reader = region.newS3Client(StoreRole.READER)) {
            reader.listObjectVersionsPaginator(r -> r.bucket(bucket).prefix(BackupLayout.allTenantsPrefix().value())).versions()
                    .forEach(v -> versions.computeIfAbsent(v.key(), k -> new ArrayList<>()).add(v.eTag()));
        }
        return versions;
    }

    private static Map<String, List<String>> log(Map<String, List<String>> versions) {
        Map<String, List<String>> log = new TreeMap<>(versions);
        log.keySet().removeIf(key -> !key.contains("/log/"));
        return log;
    }

    /** Waits until {@code more} segments were stored in the primary after this call, while the sinks stay alive. */
    private static void awaitProgress(String what, ObjectStore primary, int more, SteadyLoad load, SinkProcess... sinks) {
        long from = segments(primary);
        await(what, () -> segments(primary) >= from + more, load, sinks);
    }

    private static void await(String what, Supplier<Boolean> condition, SteadyLoad load, SinkProcess... sinks) {
        SinkTestBed.await(what, TIMEOUT, () -> {
            load.check();
            for (SinkProcess sink : sinks) {
                if (!sink.alive()) {
                    throw new AssertionError("a sink died before its time; its log ends with:\n" + sink.logTail());
                }
            }
            return condition.get();
        }, () -> "; the sinks' logs end with:\n" + String.join("\n---\n", List.of(sinks).stream().map(SinkProcess::logTail).toList()));
    }

    private static Set<Integer> resumed(SinkProcess sink) {
        Set<Integer> partitions = new HashSet<>();
        Matcher m = RESUMED.matcher(logOf(sink));
        while (m.find()) {
            partitions.add(Integer.parseInt(m.group(1)));
        }
        return partitions;
    }

    private static String logOf(SinkProcess sink) {
        try {
            return sink.log();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long segments(ObjectStore store) {
        return TENANTS.stream().mapToLong(t -> count(store, BackupLayout.logPrefix(TenantId.of(t)))).sum();
    }

    private static long count(ObjectStore store, ObjectKey prefix) {
        return store.listAll(prefix, Optional.empty()).count();
    }

    private static int occurrences(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
