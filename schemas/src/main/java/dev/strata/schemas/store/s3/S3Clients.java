package dev.strata.schemas.store.s3;

import dev.strata.schemas.store.StoreCredentials;
import dev.strata.schemas.store.StoreLocation;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Builds the SDK clients S3ObjectStore uses, configured for S3-compatible servers (Ceph RGW 16):
 * path-style addressing, and checksums only when an operation requires them, because RGW 16
 * rejects the SDK's default aws-chunked upload with trailing checksums (XAmzContentSHA256Mismatch)
 * and does not verify {@code x-amz-checksum-*} anyway (Content-MD5 it does verify).
 */
final class S3Clients {

    private S3Clients() {
    }

    static SdkHttpClient httpClient(StoreTimeouts timeouts) {
        return ApacheHttpClient.builder()
                .connectionTimeout(timeouts.connect())
                .socketTimeout(timeouts.socket())
                .maxConnections(32)
                .build();
    }

    /** Reads retry inside the SDK: a read can be repeated blindly. */
    static S3Client forReads(SdkHttpClient http, StoreLocation location, StoreCredentials credentials, StoreTimeouts timeouts) {
        return build(http, location, credentials, timeouts, AwsRetryStrategy.standardRetryStrategy());
    }

    /**
     * Writes never retry inside the SDK: an attempt that timed out may have landed, and only one
     * attempt per call lets a failure be classed exactly as "not sent" or "outcome unknown". The
     * caller retries the whole putIfAbsent, which checks what is there first.
     */
    static S3Client forWrites(SdkHttpClient http, StoreLocation location, StoreCredentials credentials, StoreTimeouts timeouts) {
        return build(http, location, credentials, timeouts, AwsRetryStrategy.doNotRetry());
    }

    private static S3Client build(SdkHttpClient http, StoreLocation location, StoreCredentials credentials, StoreTimeouts timeouts,
                                  RetryStrategy retries) {
        return S3Client.builder()
                .endpointOverride(location.endpoint())
                .region(Region.of(location.signingRegion()))
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(credentials.accessKeyId(), credentials.secretAccessKey())))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClient(http)
                .overrideConfiguration(c -> c
                        .retryStrategy(retries)
                        .apiCallAttemptTimeout(timeouts.attempt())
                        .apiCallTimeout(timeouts.call()))
                .build();
    }
}
