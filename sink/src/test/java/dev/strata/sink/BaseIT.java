package dev.strata.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.local.LocalKafka;
import dev.strata.local.LocalObjectStores;
import dev.strata.local.LocalStackExtension;
import dev.strata.schemas.Sha256;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.TestEvents;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Op;
import dev.strata.schemas.base.BaseManifest;
import dev.strata.schemas.base.BaseManifestCodec;
import dev.strata.schemas.base.BaseTable;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.BaseCut;
import dev.strata.schemas.layout.InvalidObjectKeyException;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.manifest.ManifestEntry;
import dev.strata.schemas.store.ListedObject;
import dev.strata.schemas.store.ObjectStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import dev.strata.local.StoreRole;
import dev.strata.schemas.retention.RetentionKeys;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectLockRetention;
import software.amazon.awssdk.services.s3.model.ObjectLockRetentionMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sink makes bases on real Kafka and two RGW regions, and a base folds to what the log folds to;
 * each object is locked until its tenant's retention policy may need it.
 */
@ExtendWith(LocalStackExtension.class)
class BaseIT {
    static final Duration TIMEOUT = Duration.ofSeconds(120);
    static final TenantId ACME = TenantId.of("acme");
    private static final Duration WINDOW = Duration.ofMinutes(10);
    private static final Duration MARGIN = Duration.ofMinutes(1);

    @TempDir
    Path spill;

    /** A sink config whose base thread makes a base whenever there is new durable log (thresholds low, checks often). */
    static Properties eagerBases(SinkTestBed bed, Path spill) {
        Properties p = bed.sinkProperties();
        p.setProperty(SinkConfig.BASE_MIN_EVENTS, "500");
        p.setProperty(SinkConfig.BASE_MAX_AGE_MS, "1000");
        p.setProperty(SinkConfig.BASE_CHECK_INTERVAL_MS, "500");
        p.setProperty(SinkConfig.BASE_SPILL_DIR, spill.toString());
        return p;
    }

    /** Inserts of keys 0..1499, then updates of 0..299, then deletes of 300..399, commit times increasing. */
    static List<ChangeEvent> history(SinkTestBed bed) {
        List<ChangeEvent> events = new ArrayList<>(bed.events(List.of("acme"), 0, 1_500, SinkTestBed.BASE_COMMIT_MICROS));
        long after = SinkTestBed.BASE_COMMIT_MICROS + 2_000_000_000L;
        for (int i = 0; i < 300; i++) {
            ChangeEvent insert = SinkTestBed.event("acme", i, 0);
            events.add(ChangeEvent.newBuilder(insert).setOp(Op.UPDATE).setLsn(5_000_000 + i).setTxId(5_000_000 + i)
                    .setCommitTsMicros(after + i * 1_000L).setBefore(insert.getAfter()).setEventId("acme:u" + i).build());
        }
        for (int i = 300; i < 400; i++) {
            ChangeEvent insert = SinkTestBed.event("acme", i, 0);
            events.add(ChangeEvent.newBuilder(insert).setOp(Op.DELETE).setLsn(6_000_000 + i).setTxId(6_000_000 + i)
                    .setCommitTsMicros(after + 1_000_000_000L + i * 1_000L).setBefore(insert.getAfter()).setAfter(null)
                    .setEventId("acme:d" + i).build());
        }
        // capture's heartbeat after the last change: it shows that change's transaction whole, so the watermark reaches it
        events.add(TestEvents.heartbeat("acme", 7_000_000, events.get(events.size() - 1).getCommitTsMicros() + 1));
        return events;
    }

    /** The newest base of the tenant whose manifest the store holds. */
    static Optional<BaseCut> newestBase(ObjectStore store, TenantId tenant) {
        return store.listAll(BackupLayout.basesPrefix(tenant), Optional.empty()).map(ListedObject::key).flatMap(key -> {
            try {
                return java.util.stream.Stream.of(BackupLayout.parseBaseManifest(key).cut());
            } catch (InvalidObjectKeyException tableObject) {
                return java.util.stream.Stream.empty();
            }
        }).max(BaseCut::compareTo);
    }

    static BaseManifest manifest(ObjectStore store, TenantId tenant, BaseCut cut) {
        return BaseManifestCodec.read(store.get(BackupLayout.baseManifest(new dev.strata.schemas.layout.BaseManifestKey(tenant, cut)))
                .orElseThrow().bytes()).manifest();
    }

    static List<ObjectKey> segmentKeys(ObjectStore store, TenantId tenant) {
        return store.listAll(BackupLayout.logPrefix(tenant), Optional.empty()).map(ListedObject::key).toList();
    }

    /**
     * Each object of both regions is locked (COMPLIANCE) by its own PUT until write time + what the
     * policy needs: the writer key has no s3:PutObjectRetention, so the lock came with the PUT.
     */
    private static void assertLockedFromWrite(SinkTestBed bed, ObjectKey key, Instant started, Instant stopped, Duration needed) {
        for (var region : List.of(bed.stores.primary(), bed.stores.backup())) {
            String bucket = region == bed.stores.primary() ? bed.primaryBucket : bed.backupBucket;
            try (S3Client reader = region.newS3Client(StoreRole.READER)) {
                ObjectLockRetention lock = reader.getObjectRetention(r -> r.bucket(bucket).key(key.value())).retention();
                assertThat(lock.mode()).as("lock mode of %s in %s", key, region.name()).isEqualTo(ObjectLockRetentionMode.COMPLIANCE);
                // RGW keeps the retain-until to the second
                assertThat(lock.retainUntilDate()).as("retain-until of %s in %s", key, region.name())
                        .isBetween(started.plus(needed).minusSeconds(1), stopped.plus(needed).plusSeconds(1));
            }
        }
    }

    @Test
    void makesABaseInBothRegionsThatFoldsToWhatTheLogFoldsTo(LocalKafka kafka, LocalObjectStores stores) throws Exception {
        try (SinkTestBed bed = new SinkTestBed(kafka, stores, "base", 1)) {
            List<ChangeEvent> events = history(bed);
            long lastCommit = events.stream().filter(e -> e.getOp() != Op.HEARTBEAT).mapToLong(ChangeEvent::getCommitTsMicros).max()
                    .orElseThrow();
            bed.produce(events);
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            ObjectStore primary = bed.primaryReader();
            ObjectStore backup = bed.backupReader();
            Properties config = eagerBases(bed, spill);
            config.setProperty(RetentionKeys.WINDOW_MS, Long.toString(WINDOW.toMillis()));
            config.setProperty(RetentionKeys.LOCK_MARGIN_MS, Long.toString(MARGIN.toMillis()));
            config.setProperty(RetentionKeys.DAILY, "0");
            config.setProperty(RetentionKeys.WEEKLY, "0");
            config.setProperty(RetentionKeys.MONTHLY, "0");
            config.setProperty(RetentionKeys.TENANTS, "acme:daily=2");
            Instant started = Instant.now();
            try (SinkService sink = SinkService.start(SinkConfig.from(config), registry, Clock.systemUTC())) {
                bed.awaitAllCommitted(TIMEOUT);
                SinkTestBed.await("a base at the last watermark in both regions", TIMEOUT, () ->
                        newestBase(backup, ACME).filter(c -> c.cutCommitMicros() == lastCommit - 1).isPresent()
                                && newestBase(primary, ACME).equals(newestBase(backup, ACME)));
                assertThat(sink.failure()).isEmpty();
            }
            Instant stopped = Instant.now();
            BaseCut cut = newestBase(primary, ACME).orElseThrow();
            ObjectKey manifestKey = BackupLayout.baseManifest(new dev.strata.schemas.layout.BaseManifestKey(ACME, cut));
            assertThat(Sha256.of(backup.get(manifestKey).orElseThrow().bytes()))
                    .as("base.manifest byte-identical in both regions").isEqualTo(Sha256.of(primary.get(manifestKey).orElseThrow().bytes()));
            BaseManifest base = manifest(primary, ACME, cut);
            for (BaseTable table : base.tables()) {
                ObjectKey key = base.tableKey(table);
                assertThat(Sha256.of(primary.get(key).orElseThrow().bytes())).as("%s in primary", key).isEqualTo(table.sha256());
                assertThat(Sha256.of(backup.get(key).orElseThrow().bytes())).as("%s in backup", key).isEqualTo(table.sha256());
            }
            assertLockedFromWrite(bed, base.tableKey(base.tables().get(0)), started, stopped,
                    WINDOW.plus(Duration.ofDays(2)).plus(MARGIN));
            assertLockedFromWrite(bed, manifestKey, started, stopped, WINDOW.plus(Duration.ofDays(2)).plus(MARGIN));
            assertLockedFromWrite(bed, segmentKeys(primary, ACME).get(0), started, stopped, WINDOW.plus(MARGIN));
            assertThat(base.rows()).as("1500 inserted, 99 deleted by the cut: the delete committed at the watermark is after it").isEqualTo(1_401);
            List<ObjectKey> log = segmentKeys(primary, ACME);
            List<ManifestEntry> foldedSegments = base.folded().stream().filter(e -> log.contains(e.key())).toList();
            assertThat(foldedSegments).as("the manifest names the segments it folded").isNotEmpty();
            for (ManifestEntry entry : base.folded()) {
                assertThat(Sha256.of(primary.get(entry.key()).orElseThrow().bytes())).as("SHA-256 of folded %s", entry.key())
                        .isEqualTo(entry.sha256());
            }
            base.previous().ifPresent(p -> assertThat(base.folded()).extracting(ManifestEntry::key)
                    .contains(BackupLayout.baseManifest(new dev.strata.schemas.layout.BaseManifestKey(ACME, p.cut()))));

            assertThat(registry.get("strata.sink.bases.written").counter().count()).isGreaterThanOrEqualTo(1);
            assertThat(registry.get("strata.sink.base.bytes.folded").counter().count()).isPositive();
            assertThat(registry.get("strata.sink.base.fold").timer().count()).isGreaterThanOrEqualTo(1);
            assertThat(registry.get("strata.sink.base.age.seconds").tag("tenant", "acme").gauge().value()).isPositive();
            assertThat(registry.get("strata.sink.base.failures").counter().count()).isZero();

            assertThat(RenderedFold.of(primary, bed.bodies(), Optional.of(base), List.of(), cut.cutCommitMicros(), spill))
                    .as("the base alone = the whole log folded to its cut")
                    .isEqualTo(RenderedFold.of(primary, bed.bodies(), Optional.empty(), log, cut.cutCommitMicros(), spill));
            List<ObjectKey> afterCut = log.stream().filter(k -> BackupLayout.parseSegment(k).maxCommitMicros() > cut.cutCommitMicros()).toList();
            var fromBase = RenderedFold.of(primary, bed.bodies(), Optional.of(base), afterCut, lastCommit, spill);
            assertThat(fromBase).as("base + the log after its cut = the whole log, at the latest point")
                    .isEqualTo(RenderedFold.of(primary, bed.bodies(), Optional.empty(), log, lastCommit, spill));
            assertThat(fromBase.get("public.orders")).hasSize(1_400);
        }
    }
}
