package dev.strata.schemas.store.s3;

import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.store.StoreCredentials;
import dev.strata.schemas.store.StoreLocation;
import dev.strata.schemas.store.StoreOperation;
import dev.strata.schemas.store.failure.StoreUnavailableException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DefaultRetention;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ObjectLockConfiguration;
import software.amazon.awssdk.services.s3.model.ObjectLockEnabled;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;
import software.amazon.awssdk.services.s3.model.ObjectLockRetentionMode;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Checks that a bucket keeps what the sink writes: Object Lock enabled with a default COMPLIANCE
 * retention, so that no one, not even the bucket's owner, can delete or shorten a version.
 *
 * <p>Reading the lock configuration needs {@code s3:GetBucketObjectLockConfiguration}, a harmless
 * read a writer key may be given. Without it, the check moves to the first object the sink writes
 * in the bucket: its HEAD must show COMPLIANCE retention ({@link LockVerifyingObjectStore}). This
 * sits beside the ObjectStore seam, not in it: it is a startup guard of the writer, not storage.
 */
public final class ObjectLockCheck implements AutoCloseable {

    /** What the bucket's configuration says. */
    public enum BucketLock {
        /** Enabled, with a default COMPLIANCE retention. */
        COMPLIANCE_DEFAULT,
        /** No Object Lock, or no COMPLIANCE default retention: the sink must refuse the bucket. */
        MISSING,
        /** The key may not read the configuration: check the first object written instead. */
        UNREADABLE
    }

    public record Result(BucketLock lock, String detail) {
    }

    private final StoreLocation location;
    private final S3Client s3;
    private final Clock clock;

    private ObjectLockCheck(StoreLocation location, S3Client s3, Clock clock) {
        this.location = location;
        this.s3 = s3;
        this.clock = clock;
    }

    public static ObjectLockCheck open(StoreLocation location, StoreCredentials credentials, Clock clock) {
        // Same shape as the store's clients: path style, checksums only when required (RGW 16).
        S3Client s3 = S3Client.builder()
                .endpointOverride(location.endpoint())
                .region(Region.of(location.signingRegion()))
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(credentials.accessKeyId(), credentials.secretAccessKey())))
                .httpClientBuilder(ApacheHttpClient.builder())
                .build();
        return new ObjectLockCheck(location, s3, clock);
    }

    public Result checkBucket() {
        ObjectLockConfiguration config;
        try {
            config = s3.getObjectLockConfiguration(r -> r.bucket(location.bucket())).objectLockConfiguration();
        } catch (S3Exception e) {
            if (e.statusCode() == 403) {
                return new Result(BucketLock.UNREADABLE, "the key may not read the lock configuration of " + location.describe()
                        + " (grant it s3:GetBucketObjectLockConfiguration to check before the first write)");
            }
            if (e.statusCode() == 404 && !"NoSuchBucket".equals(errorCode(e))) {
                return new Result(BucketLock.MISSING, location.describe() + " has no Object Lock configuration");
            }
            throw new IllegalStateException("cannot read the Object Lock configuration of " + location.describe() + ": "
                    + e.statusCode() + " " + errorCode(e) + "; check the bucket name and endpoint", e);
        } catch (SdkException e) {
            throw new IllegalStateException("cannot reach " + location.describe() + " to check its Object Lock: " + e.getMessage()
                    + "; check that the endpoint is up", e);
        }
        if (config == null || config.objectLockEnabled() != ObjectLockEnabled.ENABLED) {
            return new Result(BucketLock.MISSING, location.describe() + " does not have Object Lock enabled");
        }
        DefaultRetention retention = config.rule() == null ? null : config.rule().defaultRetention();
        if (retention == null || retention.mode() != ObjectLockRetentionMode.COMPLIANCE) {
            return new Result(BucketLock.MISSING, location.describe() + " has Object Lock but no default COMPLIANCE retention (found "
                    + (retention == null ? "none" : retention.mode()) + "): plain writes would not be locked");
        }
        return new Result(BucketLock.COMPLIANCE_DEFAULT, location.describe() + " locks every write (COMPLIANCE, "
                + (retention.days() != null ? retention.days() + " days" : retention.years() + " years") + ")");
    }

    /** The object's own lock, from its HEAD: empty when it is locked in COMPLIANCE mode into the future. */
    public Optional<String> objectUnlocked(ObjectKey key) {
        HeadObjectResponse head;
        try {
            head = s3.headObject(r -> r.bucket(location.bucket()).key(key.value()));
        } catch (SdkException e) {
            // retryable like any other unanswered read: the check runs again with the retried put
            throw new StoreUnavailableException(StoreOperation.HEAD, location.describe(), key,
                    "cannot HEAD the first object written, to check its Object Lock (" + e.getMessage() + ")", e);
        }
        Instant until = head.objectLockRetainUntilDate();
        if (head.objectLockMode() != ObjectLockMode.COMPLIANCE || until == null || !until.isAfter(clock.instant())) {
            return Optional.of(key + " in " + location.describe() + " was stored with lock mode " + head.objectLockMode()
                    + " until " + until + ", not COMPLIANCE retention into the future");
        }
        return Optional.empty();
    }

    private static String errorCode(S3Exception e) {
        return e.awsErrorDetails() == null ? "-" : e.awsErrorDetails().errorCode();
    }

    @Override
    public void close() {
        s3.close();
    }
}
