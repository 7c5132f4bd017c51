package dev.strata.schemas.store.s3;

import dev.strata.schemas.Sha256;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.store.ByteRange;
import dev.strata.schemas.store.ContentMd5;
import dev.strata.schemas.store.ListPage;
import dev.strata.schemas.store.ListedObject;
import dev.strata.schemas.store.ObjectFile;
import dev.strata.schemas.store.ObjectFileOutput;
import dev.strata.schemas.store.ObjectInfo;
import dev.strata.schemas.store.ObjectRetention;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.ObjectVersionInfo;
import dev.strata.schemas.store.PutResult;
import dev.strata.schemas.store.StoreCredentials;
import dev.strata.schemas.store.StoreLocation;
import dev.strata.schemas.store.StoreOperation;
import dev.strata.schemas.store.StoredFile;
import dev.strata.schemas.store.StoredObject;
import dev.strata.schemas.store.VersionPolicy;
import dev.strata.schemas.store.WriteOnce;
import dev.strata.schemas.store.failure.ObjectLockRefusedException;
import dev.strata.schemas.store.failure.StoreRequestFailedException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * The ObjectStore on S3 (tested on Ceph RGW 16 with real IAM and Object Lock).
 *
 * <p>Write-once without trusting the server to enforce it: RGW 16 ignores {@code If-None-Match: *}
 * in versioned buckets, so putIfAbsent HEADs first; the bucket keeps every version under Object
 * Lock, and readers with {@link VersionPolicy#FIRST_VERSION} read each key's first version, so a
 * later overwrite changes nothing they see. A HEAD-then-PUT race between two writers leaves two
 * versions; verify flags any key with more than one.
 *
 * <p>The SHA-256 is stored as user metadata {@code x-amz-meta-sha256} (hex) and the transfer is
 * checked with Content-MD5, which RGW verifies ({@code x-amz-checksum-*} it does not).
 *
 * <p>A put locks the new object (COMPLIANCE) until its {@link ObjectRetention} says, with the PUT's
 * own {@code x-amz-object-lock-*} headers: no second call, so the writer needs no
 * {@code s3:PutObjectRetention} (it is denied it, and so cannot change a lock once written).
 */
public final class S3ObjectStore implements ObjectStore {

    static final String SHA256_METADATA = "sha256";
    private static final String CONTENT_TYPE = "application/octet-stream";

    private final StoreLocation location;
    private final VersionPolicy policy;
    private final ObjectRetention retention;
    private final SdkHttpClient http;
    private final S3Client reads;
    private final S3Client writes;
    private final S3VersionListing versionListing;

    private S3ObjectStore(StoreLocation location, StoreCredentials credentials, VersionPolicy policy, StoreTimeouts timeouts,
                          ObjectRetention retention) {
        this.location = location;
        this.policy = policy;
        this.retention = retention;
        this.http = S3Clients.httpClient(timeouts);
        this.reads = S3Clients.forReads(http, location, credentials, timeouts);
        this.writes = S3Clients.forWrites(http, location, credentials, timeouts);
        this.versionListing = new S3VersionListing(reads, location.bucket());
    }

    public static S3ObjectStore open(StoreLocation location, StoreCredentials credentials, VersionPolicy policy) {
        return open(location, credentials, policy, StoreTimeouts.DEFAULT);
    }

    public static S3ObjectStore open(StoreLocation location, StoreCredentials credentials, VersionPolicy policy, StoreTimeouts timeouts) {
        return open(location, credentials, policy, timeouts, ObjectRetention.BUCKET_DEFAULT);
    }

    /** A store whose puts lock each object until {@code retention} says (the writer's). */
    public static S3ObjectStore open(StoreLocation location, StoreCredentials credentials, VersionPolicy policy, StoreTimeouts timeouts,
                                     ObjectRetention retention) {
        return new S3ObjectStore(Objects.requireNonNull(location, "location"), Objects.requireNonNull(credentials, "credentials"),
                Objects.requireNonNull(policy, "policy"), Objects.requireNonNull(timeouts, "timeouts"),
                Objects.requireNonNull(retention, "retention"));
    }

    @Override
    public PutResult putIfAbsent(ObjectKey key, byte[] bytes, Sha256 sha256) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(sha256, "sha256");
        if (!sha256.matches(bytes)) {
            throw new IllegalArgumentException("put " + key + ": the given SHA-256 " + sha256
                    + " is not that of the " + bytes.length + " bytes given; the bytes changed after they were hashed");
        }
        return WriteOnce.put(this, key, bytes.length, sha256,
                () -> send(key, bytes.length, sha256, ContentMd5.of(bytes), RequestBody.fromBytes(bytes)));
    }

    /** Streams the file from disk as it is sent (again on a retry): the object is never held in memory. */
    @Override
    public PutResult putIfAbsent(ObjectKey key, ObjectFile file) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(file, "file");
        file.checkUnchanged(key);
        return WriteOnce.put(this, key, file.size(), file.sha256(),
                () -> send(key, file.size(), file.sha256(), file.contentMd5(), RequestBody.fromFile(file.path())));
    }

    private void send(ObjectKey key, long size, Sha256 sha256, String contentMd5, RequestBody body) {
        PutObjectRequest.Builder request = PutObjectRequest.builder()
                .bucket(location.bucket())
                .key(key.value())
                .contentLength(size)
                .contentMD5(contentMd5)
                .contentType(CONTENT_TYPE)
                .metadata(Map.of(SHA256_METADATA, sha256.hex()));
        Optional<Instant> lockedUntil = retention.retainUntil(key);
        lockedUntil.ifPresent(until -> request.objectLockMode(ObjectLockMode.COMPLIANCE).objectLockRetainUntilDate(until));
        try {
            call(StoreOperation.PUT, key, () -> writes.putObject(request.build(), body));
        } catch (StoreRequestFailedException e) {
            if (lockedUntil.isPresent() && e.statusCode() == 400 && e.getCause() instanceof AwsServiceException service
                    && service.awsErrorDetails() != null && "InvalidRequest".equals(service.awsErrorDetails().errorCode())) {
                throw new ObjectLockRefusedException(describe(), key, e);
            }
            throw e;
        }
    }

    @Override
    public Optional<StoredObject> get(ObjectKey key) {
        return read(key, Optional.empty());
    }

    @Override
    public Optional<StoredObject> get(ObjectKey key, ByteRange range) {
        return read(key, Optional.of(Objects.requireNonNull(range, "range")));
    }

    /** Streams the body to {@code target} as it arrives, hashing it on the way: the object is never held in memory. */
    @Override
    public Optional<StoredFile> getToFile(ObjectKey key, Path target) {
        Objects.requireNonNull(target, "target");
        // not retried by the SDK (a failure may be the local file's, not the body's): a caller's retry GETs again, and
        // copy() truncates what the failed attempt wrote
        return read(key, Optional.empty(), (r, body) -> new StoredFile(
                new ObjectInfo(key, r.contentLength(), declaredSha256(r.metadata(), key), Optional.ofNullable(r.versionId())),
                ObjectFileOutput.copy(body, target)));
    }

    private Optional<StoredObject> read(ObjectKey key, Optional<ByteRange> range) {
        return read(key, range, WholeBody.transformer(key.value())).map(body -> {
            GetObjectResponse r = body.response();
            byte[] bytes = body.bytes();
            long size = range.isPresent() ? totalSize(r.contentRange(), key) : bytes.length;
            return new StoredObject(key, Optional.ofNullable(r.versionId()), bytes, size, declaredSha256(r.metadata(), key));
        });
    }

    /** One GET of the version this store's policy reads, its body handed to {@code body}; empty if the key has none. */
    private <T> Optional<T> read(ObjectKey key, Optional<ByteRange> range, ResponseTransformer<GetObjectResponse, T> body) {
        Objects.requireNonNull(key, "key");
        Optional<String> version = Optional.empty();
        if (policy == VersionPolicy.FIRST_VERSION) {
            Optional<ObjectVersionInfo> first = call(StoreOperation.LIST_VERSIONS, key, () -> versionListing.firstVersion(key));
            if (first.isEmpty()) {
                return Optional.empty();
            }
            version = Optional.of(first.get().versionId());
        }
        GetObjectRequest.Builder request = GetObjectRequest.builder().bucket(location.bucket()).key(key.value());
        version.ifPresent(request::versionId);
        range.ifPresent(r -> request.range(r.httpHeader()));
        try {
            return Optional.of(call(StoreOperation.GET, key, () -> reads.getObject(request.build(), body)));
        } catch (StoreRequestFailedException e) {
            if (e.statusCode() == 404 && e.getCause() instanceof NoSuchKeyException) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public Optional<ObjectInfo> head(ObjectKey key) {
        Objects.requireNonNull(key, "key");
        Optional<String> version = Optional.empty();
        if (policy == VersionPolicy.FIRST_VERSION) {
            Optional<ObjectVersionInfo> first = call(StoreOperation.LIST_VERSIONS, key, () -> versionListing.firstVersion(key));
            if (first.isEmpty()) {
                return Optional.empty();
            }
            version = first.map(ObjectVersionInfo::versionId);
        }
        Optional<String> versionId = version;
        HeadObjectResponse r;
        try {
            r = call(StoreOperation.HEAD, key, () -> reads.headObject(h -> {
                h.bucket(location.bucket()).key(key.value());
                versionId.ifPresent(h::versionId);
            }));
        } catch (StoreRequestFailedException e) {
            // A HEAD response has no body, so a missing bucket also reads as 404 here; the PUT that follows names it.
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
        return Optional.of(new ObjectInfo(key, r.contentLength(), declaredSha256(r.metadata(), key), Optional.ofNullable(r.versionId())));
    }

    @Override
    public List<ObjectVersionInfo> versions(ObjectKey key) {
        Objects.requireNonNull(key, "key");
        return call(StoreOperation.LIST_VERSIONS, key, () -> versionListing.versions(key));
    }

    @Override
    public ListPage list(ObjectKey prefix, Optional<ObjectKey> startAfter, int maxKeys) {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(startAfter, "startAfter");
        if (maxKeys < 1 || maxKeys > MAX_KEYS_PER_PAGE) {
            throw new IllegalArgumentException("maxKeys " + maxKeys + " is outside 1.." + MAX_KEYS_PER_PAGE);
        }
        if (policy == VersionPolicy.FIRST_VERSION) {
            return call(StoreOperation.LIST_VERSIONS, prefix, () -> versionListing.list(prefix, startAfter, maxKeys));
        }
        ListObjectsV2Response page = call(StoreOperation.LIST, prefix, () -> reads.listObjectsV2(r -> {
            r.bucket(location.bucket()).prefix(prefix.value()).maxKeys(maxKeys);
            startAfter.ifPresent(s -> r.startAfter(s.value()));
        }));
        List<ListedObject> objects = page.contents().stream()
                .map(o -> new ListedObject(BackupLayout.keyOf(o.key()), o.size()))
                .toList();
        return new ListPage(objects, Boolean.TRUE.equals(page.isTruncated()) && !objects.isEmpty());
    }

    @Override
    public String describe() {
        return location.describe();
    }

    public StoreLocation location() {
        return location;
    }

    public VersionPolicy policy() {
        return policy;
    }

    @Override
    public void close() {
        reads.close();
        writes.close();
        http.close();
    }

    @Override
    public String toString() {
        return "S3ObjectStore[" + describe() + ", " + policy + "]";
    }

    private <T> T call(StoreOperation operation, ObjectKey key, Supplier<T> request) {
        try {
            return request.get();
        } catch (SdkException e) {
            throw S3Failures.translate(e, operation, location, key);
        }
    }

    private Optional<Sha256> declaredSha256(Map<String, String> metadata, ObjectKey key) {
        String hex = metadata.get(SHA256_METADATA);
        if (hex == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Sha256.fromHex(hex));
        } catch (IllegalArgumentException e) {
            // Not written by Strata: report no checksum rather than fail the read; verify flags it.
            return Optional.empty();
        }
    }

    private long totalSize(String contentRange, ObjectKey key) {
        int slash = contentRange == null ? -1 : contentRange.lastIndexOf('/');
        if (slash < 0 || contentRange.endsWith("*")) {
            throw new StoreRequestFailedException(StoreOperation.GET, describe(), key, 206,
                    "the ranged answer has no usable Content-Range ('" + contentRange + "')", null);
        }
        return Long.parseLong(contentRange.substring(slash + 1).trim());
    }
}
