package dev.strata.local;

import dev.strata.local.process.Elapsed;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.ObjectLockEnabled;
import software.amazon.awssdk.services.s3.model.ObjectLockRetentionMode;

import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.EnumMap;
import java.util.Map;

/**
 * One S3 region of the local stack: its own Ceph cluster and radosgw, with three users (admin,
 * writer, reader) whose random keys are in 0600 credentials files. Buckets are created by the admin;
 * the writer and the reader get IAM user policies on each bucket.
 */
public final class LocalRegion {
    /** Default retention of locked buckets: long enough for any test, short for a throwaway cluster. */
    public static final int DEFAULT_RETENTION_DAYS = 1;
    private static final String BUCKET_CREATION_REGION = "us-east-1";
    /** The key store bucket that comes with each backup bucket: the default of {@code strata.regime.<r>.<role>.keys.bucket}. */
    public static final String KEYS_BUCKET_SUFFIX = "-keys";

    private final String name;
    private final String signingRegion;
    private final CephCluster cluster;
    private final Map<StoreRole, AccessKey> keys;
    private final Map<StoreRole, Path> credentialsFiles;
    private S3Client admin;
    private IamClient iam;

    private LocalRegion(String name, String signingRegion, CephCluster cluster,
                        Map<StoreRole, AccessKey> keys, Map<StoreRole, Path> credentialsFiles) {
        this.name = name;
        this.signingRegion = signingRegion;
        this.cluster = cluster;
        this.keys = keys;
        this.credentialsFiles = credentialsFiles;
    }

    /** Starts the region's cluster in {@code dir} and creates its users with fresh random keys. */
    static LocalRegion start(Path dir, String name, String signingRegion, SecureRandom random) {
        Elapsed elapsed = Elapsed.start();
        CephCluster cluster = CephCluster.start(dir, name);
        try {
            Map<StoreRole, AccessKey> keys = new EnumMap<>(StoreRole.class);
            Map<StoreRole, Path> files = new EnumMap<>(StoreRole.class);
            for (StoreRole role : StoreRole.values()) {
                AccessKey key = AccessKey.random(random);
                cluster.createUser(role.userId(), key, role == StoreRole.ADMIN);
                keys.put(role, key);
                files.put(role, CredentialsFile.write(dir.resolve("credentials").resolve(role.userId() + ".properties"), key));
            }
            LocalRegion region = new LocalRegion(name, signingRegion, cluster, keys, files);
            System.out.println("LocalObjectStores: region " + name + " (Ceph RGW, signing region " + signingRegion + ") on "
                    + region.endpoint() + " ready in " + elapsed);
            return region;
        } catch (RuntimeException e) {
            cluster.kill();
            throw e;
        }
    }

    /** {@code primary} or {@code backup}. */
    public String name() {
        return name;
    }

    public URI endpoint() {
        return cluster.gateway().endpoint();
    }

    /**
     * The region to sign requests with: us-east-1 for primary, us-west-2 for backup, mirroring the
     * production shape. RGW verifies signatures with any region, but its only zonegroup is called
     * "default", so a CreateBucket with a LocationConstraint (the SDK adds one for every region but
     * us-east-1) fails with InvalidLocationConstraint: create buckets with {@link #createLockedBucket}.
     */
    public String signingRegion() {
        return signingRegion;
    }

    /** A properties file (0600) with {@code access.key.id} and {@code secret.access.key}. */
    public Path credentialsFile(StoreRole role) {
        return credentialsFiles.get(role);
    }

    public AccessKey accessKey(StoreRole role) {
        return keys.get(role);
    }

    /**
     * Creates a bucket with Object Lock (hence versioning) and a default COMPLIANCE retention of
     * {@value #DEFAULT_RETENTION_DAYS} day, owned by the admin; grants the writer and the reader
     * their policies on it. Plain PUTs into it are locked, and not even the admin can delete them.
     * Its key store bucket comes with it ({@link #createKeyStoreBucket}).
     */
    public void createLockedBucket(String bucket) {
        RolePolicies.checkBucketName(bucket);
        try {
            S3Client s3 = admin();
            s3.createBucket(request -> request.bucket(bucket).objectLockEnabledForBucket(true));
            s3.putObjectLockConfiguration(request -> request.bucket(bucket).objectLockConfiguration(config -> config
                    .objectLockEnabled(ObjectLockEnabled.ENABLED)
                    .rule(rule -> rule.defaultRetention(retention -> retention
                            .mode(ObjectLockRetentionMode.COMPLIANCE).days(DEFAULT_RETENTION_DAYS)))));
            grantRoles(bucket);
            createKeyStoreBucket(bucket + KEYS_BUCKET_SUFFIX);
        } catch (SdkException e) {
            throw new IllegalStateException("region " + name + ": cannot create locked bucket " + bucket + ": " + e.getMessage(), e);
        }
    }

    /**
     * Creates a versioned bucket WITHOUT Object Lock, with the same policies. Only for tests that
     * show what a missing lock lets through. Its key store bucket comes with it.
     */
    public void createUnlockedBucket(String bucket) {
        RolePolicies.checkBucketName(bucket);
        try {
            S3Client s3 = admin();
            s3.createBucket(request -> request.bucket(bucket));
            s3.putBucketVersioning(request -> request.bucket(bucket)
                    .versioningConfiguration(versioning -> versioning.status(BucketVersioningStatus.ENABLED)));
            grantRoles(bucket);
            createKeyStoreBucket(bucket + KEYS_BUCKET_SUFFIX);
        } catch (SdkException e) {
            throw new IllegalStateException("region " + name + ": cannot create unlocked bucket " + bucket + ": " + e.getMessage(), e);
        }
    }

    /**
     * Creates a key store bucket: no Object Lock, no versioning, so a deleted data key is gone. The
     * writer may read and create keys, the reader and the drill user read them, the key-admin user
     * reads and deletes them; the expire user has no right on it.
     */
    public void createKeyStoreBucket(String bucket) {
        RolePolicies.checkBucketName(bucket);
        try {
            admin().createBucket(request -> request.bucket(bucket));
            IamClient policies = iam();
            grant(policies, StoreRole.WRITER, bucket, RolePolicies.keys(bucket, RolePolicies.KEYS_WRITER_ALLOWED));
            grant(policies, StoreRole.READER, bucket, RolePolicies.keys(bucket, RolePolicies.KEYS_READER_ALLOWED));
            grant(policies, StoreRole.DRILL, bucket, RolePolicies.keys(bucket, RolePolicies.KEYS_READER_ALLOWED));
            grant(policies, StoreRole.KEY_ADMIN, bucket, RolePolicies.keyAdmin(bucket));
        } catch (SdkException e) {
            throw new IllegalStateException("region " + name + ": cannot create key store bucket " + bucket + ": " + e.getMessage(), e);
        }
    }

    private static void grant(IamClient policies, StoreRole role, String bucket, String document) {
        policies.putUserPolicy(request -> request.userName(role.userId()).policyName(RolePolicies.policyName(role, bucket))
                .policyDocument(document));
    }

    /**
     * A new S3 client for {@code role}, configured for RGW (path style, checksums only where
     * required, Content-MD5 where an operation needs a checksum). The caller closes it.
     */
    public S3Client newS3Client(StoreRole role) {
        return StoreClients.s3(endpoint(), signingRegion, keys.get(role));
    }

    /** Stops this region's radosgw only (the cluster keeps its data); returns once the port is closed. */
    public void stopGateway() {
        Elapsed elapsed = Elapsed.start();
        Elapsed portClosed = cluster.gateway().stop();
        System.out.println("LocalObjectStores: region " + name + " gateway stopped: port closed after " + portClosed
                + ", process gone after " + elapsed);
    }

    /** Starts this region's radosgw again with the same command; returns once it serves S3. */
    public void startGateway() {
        Elapsed elapsed = Elapsed.start();
        cluster.gateway().start();
        System.out.println("LocalObjectStores: region " + name + " gateway serving again in " + elapsed);
    }

    /**
     * Freezes this region's radosgw (SIGSTOP): connections are accepted and never answered, as a hung
     * gateway behaves; {@link #thawGateway} lets it go on. Thaw before the stack stops.
     */
    public void freezeGateway() {
        cluster.gateway().signal("STOP");
    }

    public void thawGateway() {
        cluster.gateway().signal("CONT");
    }

    public boolean gatewayRunning() {
        return cluster.gateway().isRunning();
    }

    @Override
    public String toString() {
        return "LocalRegion[" + name + " " + endpoint() + " " + signingRegion + "]";
    }

    /** Closes the admin clients and kills the cluster's daemons. */
    synchronized void close() {
        if (admin != null) {
            admin.close();
        }
        if (iam != null) {
            iam.close();
        }
        cluster.kill();
    }

    private void grantRoles(String bucket) {
        IamClient policies = iam();
        grant(policies, StoreRole.WRITER, bucket, RolePolicies.writer(bucket));
        grant(policies, StoreRole.READER, bucket, RolePolicies.reader(bucket));
        grant(policies, StoreRole.DRILL, bucket, RolePolicies.drill(bucket));
        grant(policies, StoreRole.EXPIRE, bucket, RolePolicies.expire(bucket));
        grant(policies, StoreRole.LEDGER, bucket, RolePolicies.ledger(bucket));
        grant(policies, StoreRole.KEY_ADMIN, bucket, RolePolicies.tombstones(bucket));
    }

    // Signs as us-east-1 whatever the region's name: then the SDK sends CreateBucket without a
    // LocationConstraint, the only form RGW's "default" zonegroup accepts.
    private synchronized S3Client admin() {
        if (admin == null) {
            admin = StoreClients.s3(endpoint(), BUCKET_CREATION_REGION, keys.get(StoreRole.ADMIN));
        }
        return admin;
    }

    private synchronized IamClient iam() {
        if (iam == null) {
            iam = StoreClients.iam(endpoint(), keys.get(StoreRole.ADMIN));
        }
        return iam;
    }
}
