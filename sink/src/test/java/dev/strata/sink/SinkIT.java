package dev.strata.sink;

import dev.strata.schemas.regime.RegimeSettings;
import dev.strata.schemas.regime.RegionSettings;
import dev.strata.schemas.watermark.Watermark;
import dev.strata.sink.store.UnlockedBucketException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.local.LocalKafka;
import dev.strata.local.LocalObjectStores;
import dev.strata.local.LocalStackExtension;
import dev.strata.local.StoreRole;
import dev.strata.schemas.Sha256;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.kafka.DeadLetterHeaders;
import dev.strata.schemas.kafka.Topics;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.store.ListedObject;
import dev.strata.schemas.store.ObjectStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import dev.strata.schemas.durable.DurableMark;
import dev.strata.schemas.durable.DurableMarkCodec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** The sink on real Kafka and two real RGW regions: the happy path, residency, and what its keys may not do. */
@ExtendWith(LocalStackExtension.class)
class SinkIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @Test
    void landsATenantsEventsAsIdenticalSegmentsInBothRegions(LocalKafka kafka, LocalObjectStores stores) throws Exception {
        try (SinkTestBed bed = new SinkTestBed(kafka, stores, "round", 3)) {
            List<String> tenants = List.of("acme", "globex", "initech");
            List<ChangeEvent> events = bed.events(tenants, 0, 1_500, SinkTestBed.BASE_COMMIT_MICROS);
            bed.produce(events);
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            try (SinkService sink = SinkService.start(SinkConfig.from(bed.sinkProperties()), registry, Clock.systemUTC())) {
                bed.awaitAllCommitted(TIMEOUT);
                assertThat(sink.failure()).isEmpty();
            }
            ObjectStore primary = bed.primaryReader();
            ObjectStore backup = bed.backupReader();
            for (String tenant : tenants) {
                Map<ObjectKey, byte[]> inPrimary = SinkTestBed.segments(primary, tenant);
                Map<ObjectKey, byte[]> inBackup = SinkTestBed.segments(backup, tenant);
                assertThat(inBackup.keySet()).as("tenant %s: same objects in both regions", tenant).isEqualTo(inPrimary.keySet());
                inPrimary.forEach((key, bytes) -> assertThat(Sha256.of(inBackup.get(key))).as("%s byte-identical", key).isEqualTo(Sha256.of(bytes)));
                assertThat(bed.eventIds(inPrimary)).as("tenant %s: every event once, in order", tenant)
                        .containsExactlyElementsOf(SinkTestBed.ids(events, tenant));
                // the sealer may have been storing a manifest at the close: the stop finishes it in both regions
                assertThat(manifests(backup, tenant)).as("tenant %s: same manifests in both regions", tenant)
                        .isEqualTo(manifests(primary, tenant));
            }
            Map<String, Watermark> watermarks = bed.watermarks();
            long lastAcmeCommit = events.stream().filter(e -> e.getTenant().equals("acme")).mapToLong(ChangeEvent::getCommitTsMicros).max().orElseThrow();
            // nothing follows acme's last change: its transaction is not shown whole, the point stops one microsecond before it
            assertThat(watermarks.get("acme").durableCommitMicros()).isEqualTo(lastAcmeCommit - 1);
            for (ObjectStore region : List.of(primary, backup)) {
                // the graceful stop wrote the mark the interval held back: the store proves what the watermark says
                List<ObjectKey> marks = region.listAll(BackupLayout.marksPrefix(TenantId.of("acme")), Optional.empty())
                        .map(ListedObject::key).toList();
                assertThat(marks).as("acme's durable marks in %s", region.describe()).isNotEmpty();
                DurableMark newest = DurableMarkCodec.decode(region.get(marks.get(marks.size() - 1)).orElseThrow().bytes());
                assertThat(newest.pointMicros()).isEqualTo(lastAcmeCommit - 1);
                assertThat(newest.tenant().value()).isEqualTo("acme");
            }
            // Read after the close on purpose: a graceful stop leaves no object it took in one region only (GracefulStop).
            // Found-already counts too: a put that landed but whose answer was lost is retried and finds its object.
            assertThat(stored(registry, "primary")).isEqualTo(stored(registry, "backup")).isPositive();
            assertThat(registry.find("strata.sink.rotations").counters().stream().mapToDouble(c -> c.count()).sum()).isPositive();
        }
    }

    /** Objects this run stored in a region: written, or found there already identical. */
    private static double stored(SimpleMeterRegistry registry, String region) {
        return registry.get("strata.sink.segments.uploaded").tag("region", region).counter().count()
                + registry.get("strata.sink.segments.already.present").tag("region", region).counter().count();
    }

    private static List<ObjectKey> manifests(ObjectStore store, String tenant) {
        return store.listAll(BackupLayout.manifestsPrefix(TenantId.of(tenant)), Optional.empty()).map(ListedObject::key).toList();
    }

    @Test
    void parksAnEventOfATenantPlacedInAnotherRegime(LocalKafka kafka, LocalObjectStores stores) throws Exception {
        try (SinkTestBed bed = new SinkTestBed(kafka, stores, "resid", 1)) {
            bed.place("intruder", "elsewhere");
            bed.place("local", bed.regime);
            List<ChangeEvent> events = bed.events(List.of("local", "intruder", "unplaced"), 0, 20, SinkTestBed.BASE_COMMIT_MICROS);
            bed.produce(events);
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            try (SinkService sink = SinkService.start(SinkConfig.from(bed.sinkProperties()), registry, Clock.systemUTC())) {
                bed.awaitAllCommitted(TIMEOUT);
            }
            List<ConsumerRecord<byte[], byte[]>> parked = bed.readTopic(Topics.DEAD_LETTERS).stream()
                    .filter(r -> Topics.routed(bed.regime).equals(SinkTestBed.header(r, DeadLetterHeaders.SOURCE_TOPIC))).toList();
            assertThat(parked).hasSize(20).allSatisfy(r -> {
                assertThat(SinkTestBed.header(r, DeadLetterHeaders.REASON)).isEqualTo("WRONG_REGIME");
                assertThat(SinkTestBed.header(r, DeadLetterHeaders.TENANT)).isEqualTo("intruder");
                assertThat(SinkTestBed.header(r, DeadLetterHeaders.DETAIL)).contains("placed in regime 'elsewhere'");
                assertThat(SinkTestBed.header(r, DeadLetterHeaders.SOURCE_OFFSET)).isNotBlank();
            });
            assertThat(registry.get("strata.sink.residency.violations").counter().count()).isEqualTo(20);
            assertThat(SinkTestBed.segments(bed.primaryReader(), "intruder")).isEmpty();
            assertThat(SinkTestBed.segments(bed.backupReader(), "intruder")).isEmpty();
            assertThat(bed.eventIds(SinkTestBed.segments(bed.backupReader(), "local"))).hasSize(20);
            assertThat(bed.eventIds(SinkTestBed.segments(bed.backupReader(), "unplaced")))
                    .as("no placement is not a conflict: the router routed it here").hasSize(20);
        }
    }

    @Test
    void itsWriterKeyCannotDeleteWhatItWrote(LocalKafka kafka, LocalObjectStores stores) throws Exception {
        try (SinkTestBed bed = new SinkTestBed(kafka, stores, "nodel", 1)) {
            bed.produce(bed.events(List.of("acme"), 0, 10, SinkTestBed.BASE_COMMIT_MICROS));
            try (SinkService sink = SinkService.start(SinkConfig.from(bed.sinkProperties()), new SimpleMeterRegistry(), Clock.systemUTC())) {
                bed.awaitAllCommitted(TIMEOUT);
            }
            ObjectKey key = SinkTestBed.segments(bed.primaryReader(), "acme").keySet().iterator().next();
            try (S3Client writer = stores.primary().newS3Client(StoreRole.WRITER)) {
                assertThatThrownBy(() -> writer.deleteObject(r -> r.bucket(bed.primaryBucket).key(key.value())))
                        .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(403))
                        .hasMessageContaining("Status Code: 403");
                String version = bed.primaryReader().versions(key).get(0).versionId();
                assertThatThrownBy(() -> writer.deleteObject(r -> r.bucket(bed.primaryBucket).key(key.value()).versionId(version)))
                        .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(403));
            }
            assertThat(bed.primaryReader().versions(key)).hasSize(1);
            assertThat(bed.primaryReader().get(key)).isPresent();
        }
    }

    @Test
    void stopsWithAClearErrorWhenItsKeyMayNotWrite(LocalKafka kafka, LocalObjectStores stores) throws Exception {
        try (SinkTestBed bed = new SinkTestBed(kafka, stores, "denied", 1)) {
            bed.produce(bed.events(List.of("acme"), 0, 10, SinkTestBed.BASE_COMMIT_MICROS));
            Properties props = bed.sinkProperties();
            bed.region(props, RegionSettings.BACKUP, stores.backup(), bed.backupBucket, StoreRole.READER);
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            try (SinkService sink = SinkService.start(SinkConfig.from(props), registry, Clock.systemUTC())) {
                SinkTestBed.await("the sink to stop", TIMEOUT, () -> !sink.running());
                assertThat(sink.failure()).get().asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.THROWABLE)
                        .isInstanceOf(SinkFailedException.class)
                        .hasMessageContaining("access denied")
                        .hasMessageContaining("s3:PutObject")
                        // the first write is the tenant's data key, in the key store bucket beside the backup bucket
                        .hasMessageContaining("bucket '" + bed.backupBucket);
            }
            assertThat(registry.get("strata.sink.failed").gauge().value()).isEqualTo(1);
            assertThat(bed.committed().getOrDefault(0, 0L)).as("nothing committed: the backup region never held it").isZero();
        }
    }

    @Test
    void refusesABucketWithoutObjectLock(LocalKafka kafka, LocalObjectStores stores) throws Exception {
        try (SinkTestBed bed = new SinkTestBed(kafka, stores, "unlock", 1)) {
            String unlocked = bed.regime + "-open";
            stores.backup().createUnlockedBucket(unlocked);
            bed.produce(bed.events(List.of("acme"), 0, 10, SinkTestBed.BASE_COMMIT_MICROS));
            Properties props = bed.sinkProperties();
            props.setProperty(RegimeSettings.PREFIX + bed.regime + ".backup.bucket", unlocked);
            // The local writer key may not read the lock configuration, so the first object written is checked.
            try (SinkService sink = SinkService.start(SinkConfig.from(props), new SimpleMeterRegistry(), Clock.systemUTC())) {
                SinkTestBed.await("the sink to stop", TIMEOUT, () -> !sink.running());
                assertThat(sink.failure()).get().asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.THROWABLE)
                        .hasMessageContaining("not COMPLIANCE retention")
                        .hasMessageContaining("Create the bucket with Object Lock");
            }
            assertThat(bed.committed().getOrDefault(0, 0L)).isZero();

            // With the lock configuration readable (what production grants), the sink refuses before writing anything.
            SinkTestBed.grantLockRead(stores.primary(), bed.primaryBucket);
            SinkTestBed.grantLockRead(stores.backup(), unlocked);
            assertThatThrownBy(() -> SinkService.start(SinkConfig.from(props), new SimpleMeterRegistry(), Clock.systemUTC()))
                    .isInstanceOf(UnlockedBucketException.class)
                    .hasMessageContaining("bucket '" + unlocked + "'")
                    .hasMessageContaining("no Object Lock configuration")
                    .hasMessageContaining(SinkConfig.TEST_ALLOW_UNLOCKED_BUCKETS);

            props.setProperty(SinkConfig.TEST_ALLOW_UNLOCKED_BUCKETS, "true");
            try (SinkService sink = SinkService.start(SinkConfig.from(props), new SimpleMeterRegistry(), Clock.systemUTC())) {
                bed.awaitAllCommitted(TIMEOUT);
            }
        }
    }

    @Test
    void sealsPastHoursIntoAHashChainedManifestInBothRegions(LocalKafka kafka, LocalObjectStores stores) throws Exception {
        try (SinkTestBed bed = new SinkTestBed(kafka, stores, "seal", 1)) {
            long twoHoursAgo = (System.currentTimeMillis() - Duration.ofHours(2).toMillis()) * 1_000L;
            List<ChangeEvent> events = bed.events(List.of("acme"), 0, 50, twoHoursAgo);
            bed.produce(events);
            Properties props = bed.sinkProperties();
            props.setProperty(SinkConfig.MANIFEST_GRACE_MS, "1000");
            try (SinkService sink = SinkService.start(SinkConfig.from(props), new SimpleMeterRegistry(), Clock.systemUTC())) {
                bed.awaitAllCommitted(TIMEOUT);
                ObjectStore primary = bed.primaryReader();
                SinkTestBed.await("a sealed manifest", TIMEOUT, () -> primary.listAll(
                        dev.strata.schemas.layout.BackupLayout.manifestsPrefix(TenantId.of("acme")), java.util.Optional.empty()).count() > 0);
            }
            ManifestCheck.assertChainCovers(bed.primaryReader(), bed.backupReader(), TenantId.of("acme"));
            assertThat(bed.watermarks().get("acme").manifestHead()).isPresent();
        }
    }
}
