package dev.strata.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.local.LocalKafka;
import dev.strata.local.LocalObjectStores;
import dev.strata.local.LocalStackExtension;
import dev.strata.schemas.Sha256;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.store.ObjectStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * kill -9 of a sink JVM in the middle of uploads, then a restart: every event ends up in both
 * regions, and no event is in two different objects of a region (a duplicate upload is the same
 * object with the same bytes, found by putIfAbsent).
 */
@ExtendWith(LocalStackExtension.class)
class SinkCrashIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final List<String> TENANTS = List.of("t0", "t1", "t2", "t3", "t4", "t5");
    private static final int ROUNDS = 2_500;

    @Test
    void restartsAfterAKillWithEveryEventInBothRegionsAndNoOverlappingObjects(LocalKafka kafka, LocalObjectStores stores) throws Exception {
        try (SinkTestBed bed = new SinkTestBed(kafka, stores, "crash", 3)) {
            Properties config = bed.sinkProperties();
            config.setProperty(SinkConfig.SEGMENT_MAX_RECORDS, "150");
            config.setProperty(SinkConfig.FLUSH_INTERVAL_MS, "200");
            List<ChangeEvent> events = bed.events(TENANTS, 0, ROUNDS, SinkTestBed.BASE_COMMIT_MICROS);
            Path dir = LocalStackExtension.workDir().resolve("sink-crash-" + bed.regime);

            // its own thread, not the common pool: a task left blocked there by an earlier test would starve it
            ExecutorService producerThread = Executors.newSingleThreadExecutor();
            CompletableFuture<Void> producer = CompletableFuture.runAsync(() -> bed.producePaced(events, 600, Duration.ofMillis(100)),
                    producerThread);
            producerThread.shutdown();
            SinkProcess first = SinkProcess.start(dir, config);
            ObjectStore primary = bed.primaryReader();
            try {
                SinkTestBed.await("segments in flight", TIMEOUT, () -> {
                    if (!first.alive()) {
                        throw new AssertionError("the first sink died before the kill; its log ends with:\n" + first.logTail());
                    }
                    assertThat(producer).as("the producer").isNotCompletedExceptionally();
                    return count(primary, "t0") >= 10;
                }, () -> "; the first sink's log ends with:\n" + first.logTail());
            } finally {
                first.crash();
            }
            long segmentsAtCrash = count(primary, "t0");

            try (SinkProcess second = SinkProcess.start(dir, config)) {
                producer.get();
                bed.awaitAllCommitted(TIMEOUT);
                assertThat(second.alive()).isTrue();
                String log = second.log();
                assertThat(log).contains("recovering them from the buckets");
                System.out.println("SinkCrashIT: t0 had " + segmentsAtCrash + " segments in the primary at the kill; second run: "
                        + occurrences(log, "rotated (RECOVERY)") + " RECOVERY rotations");
                log.lines().filter(l -> l.contains("recovery done")).forEach(l -> System.out.println("SinkCrashIT: " + l));
            }
            ObjectStore backup = bed.backupReader();
            for (String tenant : TENANTS) {
                Map<ObjectKey, byte[]> inPrimary = SinkTestBed.segments(primary, tenant);
                Map<ObjectKey, byte[]> inBackup = SinkTestBed.segments(backup, tenant);
                assertThat(inBackup.keySet()).as("tenant %s: the same objects in both regions", tenant).isEqualTo(inPrimary.keySet());
                inPrimary.forEach((key, bytes) -> assertThat(Sha256.of(inBackup.get(key))).as("%s", key).isEqualTo(Sha256.of(bytes)));
                List<String> ids = bed.eventIds(inPrimary);
                assertThat(new HashSet<>(ids)).as("tenant %s: every event", tenant).isEqualTo(new HashSet<>(SinkTestBed.ids(events, tenant)));
                assertThat(ids).as("tenant %s: no event in two objects", tenant).doesNotHaveDuplicates();
                for (ObjectKey key : inPrimary.keySet()) {
                    assertThat(primary.versions(key)).as("%s written once", key).hasSize(1);
                }
            }
        }
    }

    private static long count(ObjectStore store, String tenant) {
        return store.listAll(BackupLayout.logPrefix(TenantId.of(tenant)), Optional.empty()).count();
    }

    private static int occurrences(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
