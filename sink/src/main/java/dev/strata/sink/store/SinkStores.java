package dev.strata.sink.store;

import dev.strata.schemas.store.retry.Backoff;
import dev.strata.schemas.regime.RegionSettings;
import dev.strata.schemas.store.retry.RetryingObjectStore;
import dev.strata.sink.SinkConfig;
import dev.strata.sink.SinkMetrics;
import dev.strata.sink.segment.SegmentCatalog;
import dev.strata.schemas.ops.StopSignal;
import dev.strata.schemas.store.s3.ObjectLockCheck;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.s3.S3ObjectStore;
import dev.strata.schemas.store.s3.StoreTimeouts;
import dev.strata.schemas.store.ObjectRetention;
import dev.strata.schemas.retention.PolicyRetention;
import dev.strata.schemas.store.StoreCredentials;
import dev.strata.schemas.store.VersionPolicy;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import dev.strata.schemas.crypto.BodySealer;
import dev.strata.schemas.erasure.Tombstones;
import dev.strata.schemas.keystore.KeyStores;
import dev.strata.schemas.keystore.StoredDataKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The regime's two stores, opened with its writer keys, checked for Object Lock, and decorated:
 * uploads retry until they succeed or the sink stops (a region outage is waited out); the
 * sealer's reads retry a few times and then give up until its next round. Every put locks its
 * object until the tenant's retention policy may need it ({@link PolicyRetention}). Reads are of latest
 * versions: the writer key may not list versions (by design), and only reads its own keys.
 */
public final class SinkStores implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SinkStores.class);
    private static final int READ_ATTEMPTS = 3;

    private final List<AutoCloseable> owned = new ArrayList<>();
    private final DualRegionUploader.Region primaryUploads;
    private final DualRegionUploader.Region backupUploads;
    private final ObjectStore primaryReads;
    private final ObjectStore backupReads;
    private final ObjectStore primaryPlain;
    private final ObjectStore backupPlain;
    private final BodySealer bodies;

    private SinkStores(SinkConfig config, Clock clock, StopSignal abort, SinkMetrics metrics) {
        Backoff backoff = new Backoff(config.tuning().retryInitialBackoff(), config.tuning().retryMaxBackoff());
        // lock headers are refused by a bucket without Object Lock, which only the test-only flag lets the sink write to
        ObjectRetention retention = config.allowUnlockedBuckets() ? ObjectRetention.BUCKET_DEFAULT
                : new PolicyRetention(config.regime(), config.retention(), clock);
        primaryPlain = watched(RegionSettings.PRIMARY, open(config.primary(), retention), clock, metrics);
        backupPlain = watched(RegionSettings.BACKUP, open(config.backup(), retention), clock, metrics);
        ObjectStore primaryChecked = lockChecked(config.primary(), primaryPlain, config.allowUnlockedBuckets(), clock);
        ObjectStore backupChecked = lockChecked(config.backup(), backupPlain, config.allowUnlockedBuckets(), clock);
        primaryUploads = new DualRegionUploader.Region(RegionSettings.PRIMARY, new RetryingObjectStore(primaryChecked, backoff, 0, abort,
                e -> metrics.retried(RegionSettings.PRIMARY)));
        backupUploads = new DualRegionUploader.Region(RegionSettings.BACKUP, new RetryingObjectStore(backupChecked, backoff, 0, abort,
                e -> metrics.retried(RegionSettings.BACKUP)));
        primaryReads = new RetryingObjectStore(primaryPlain, backoff, READ_ATTEMPTS, abort, e -> metrics.retried(RegionSettings.PRIMARY));
        backupReads = new RetryingObjectStore(backupPlain, backoff, READ_ATTEMPTS, abort, e -> metrics.retried(RegionSettings.BACKUP));
        StoredDataKeys keys = KeyStores.open(config.source(), config.primary(), config.backup(), config.keyRotation(),
                tenant -> Tombstones.listedIn(List.of(primaryReads, backupReads), tenant));
        owned.add(keys);
        if (config.unsealedBodies()) {
            LOG.warn("BENCHMARK ONLY ({}=true): segment and base bodies are stored unsealed; erasing a tenant cannot reach them",
                    SinkConfig.BENCH_UNSEALED_BODIES);
            bodies = BodySealer.unsealed(keys);
        } else {
            bodies = BodySealer.sealing(keys);
        }
    }

    /** Opens both regions; refuses a bucket without Object Lock (unless the test-only flag is set). */
    public static SinkStores open(SinkConfig config, Clock clock, StopSignal abort, SinkMetrics metrics) {
        return new SinkStores(config, clock, abort, metrics);
    }

    private static ObjectStore watched(String region, ObjectStore store, Clock clock, SinkMetrics metrics) {
        RegionHealth health = new RegionHealth(store, clock);
        metrics.watch(region, health::failing, health::oldestCallSeconds);
        return health;
    }

    private ObjectStore open(RegionSettings region, ObjectRetention retention) {
        StoreCredentials credentials = StoreCredentials.fromFile(region.credentialsFile().orElseThrow());
        S3ObjectStore store = S3ObjectStore.open(region.location(), credentials, VersionPolicy.LATEST_VERSION, StoreTimeouts.WRITER,
                retention);
        owned.add(store);
        return store;
    }

    private ObjectStore lockChecked(RegionSettings region, ObjectStore store, boolean allowUnlocked, Clock clock) {
        ObjectLockCheck check = ObjectLockCheck.open(region.location(), StoreCredentials.fromFile(region.credentialsFile().orElseThrow()), clock);
        owned.add(check);
        ObjectLockCheck.Result result = check.checkBucket();
        switch (result.lock()) {
            case COMPLIANCE_DEFAULT:
                LOG.info("{}: {}", region.describe(), result.detail());
                return store;
            case MISSING:
                if (allowUnlocked) {
                    LOG.warn("TEST ONLY ({}=true): writing into {} although {}", SinkConfig.TEST_ALLOW_UNLOCKED_BUCKETS,
                            region.describe(), result.detail());
                    return store;
                }
                throw new UnlockedBucketException(region.describe() + ": " + result.detail());
            default:
                if (allowUnlocked) {
                    return store;
                }
                LOG.warn("{}: {}; the first object written there is checked for COMPLIANCE retention instead", region.describe(),
                        result.detail());
                return new LockVerifyingObjectStore(store, check::objectUnlocked);
        }
    }

    public DualRegionUploader.Region primaryUploads() {
        return primaryUploads;
    }

    public DualRegionUploader.Region backupUploads() {
        return backupUploads;
    }

    /** Seals the bodies this sink stores, under the tenants' data keys in the regime's key store (created here as needed). */
    public BodySealer bodies() {
        return bodies;
    }

    /** Reads for the sealer: a few retries, then the round fails and the next one tries again. */
    public RegionReader reader() {
        return new RegionReader(primaryReads, backupReads);
    }

    /** Both regions (primary first) for small listings of their own, with the SDK's read retries only: the erasure tombstones. */
    public List<ObjectStore> listingRegions() {
        return List.of(primaryPlain, backupPlain);
    }

    /** Listing for recovery: the SDK's own read retries only; a region that cannot be listed counts as empty. */
    public SegmentCatalog catalog() {
        return new SegmentCatalog(primaryPlain, backupPlain);
    }

    @Override
    public void close() {
        for (AutoCloseable resource : owned) {
            try {
                resource.close();
            } catch (Exception e) {
                LOG.warn("closing {}: {}", resource, e.toString());
            }
        }
    }
}
