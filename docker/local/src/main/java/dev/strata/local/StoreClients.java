package dev.strata.local;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.LegacyMd5Plugin;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

import java.net.URI;
import java.time.Duration;

/** AWS SDK v2 clients configured for Ceph RGW 16. */
final class StoreClients {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(30);

    private StoreClients() {
    }

    /**
     * Path-style (no bucket DNS names on 127.0.0.1) and checksums only where an operation requires
     * one: the SDK's default flexible checksums use aws-chunked uploads, which RGW 16 rejects with
     * XAmzContentSHA256Mismatch. Plus Content-MD5 on the operations that require a checksum
     * (PutObjectLockConfiguration, DeleteObjects, PutBucketLifecycleConfiguration...). Without it the
     * SDK sends an x-amz-checksum-crc32 header, which RGW 16 accepts but never verifies; Content-MD5
     * it does verify.
     */
    static S3Client s3(URI endpoint, String signingRegion, AccessKey key) {
        return builder(endpoint, signingRegion, key).addPlugin(LegacyMd5Plugin.create()).build();
    }

    /** IAM on RGW is served by the S3 endpoint itself; the global region signs as us-east-1. */
    static IamClient iam(URI endpoint, AccessKey key) {
        return IamClient.builder()
                .endpointOverride(endpoint)
                .region(Region.AWS_GLOBAL)
                .credentialsProvider(credentials(key))
                .httpClientBuilder(http())
                .build();
    }

    private static S3ClientBuilder builder(URI endpoint, String signingRegion, AccessKey key) {
        return S3Client.builder()
                .endpointOverride(endpoint)
                .region(Region.of(signingRegion))
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .credentialsProvider(credentials(key))
                .httpClientBuilder(http());
    }

    private static StaticCredentialsProvider credentials(AccessKey key) {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(key.accessKeyId(), key.secretAccessKey()));
    }

    private static ApacheHttpClient.Builder http() {
        return ApacheHttpClient.builder().connectionTimeout(CONNECT_TIMEOUT).socketTimeout(SOCKET_TIMEOUT);
    }
}
