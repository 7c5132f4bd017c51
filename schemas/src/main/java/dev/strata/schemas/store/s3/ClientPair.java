package dev.strata.schemas.store.s3;

import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.store.StoreCredentials;
import dev.strata.schemas.store.StoreLocation;
import dev.strata.schemas.store.StoreOperation;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * One bucket's clients for a store that also deletes: reads retried inside the SDK, deletes never
 * (a refused delete must surface as it is), on one HTTP pool; every failure translated naming the
 * operation and the key.
 */
final class ClientPair implements AutoCloseable {
    private final StoreLocation location;
    private final SdkHttpClient http;
    private final S3Client reads;
    private final S3Client deletes;

    ClientPair(StoreLocation location, StoreCredentials credentials, StoreTimeouts timeouts) {
        this.location = location;
        this.http = S3Clients.httpClient(timeouts);
        this.reads = S3Clients.forReads(http, location, credentials, timeouts);
        this.deletes = S3Clients.forWrites(http, location, credentials, timeouts);
    }

    StoreLocation location() {
        return location;
    }

    S3Client reads() {
        return reads;
    }

    S3Client deletes() {
        return deletes;
    }

    <T> T call(StoreOperation operation, ObjectKey key, Supplier<T> request) {
        try {
            return request.get();
        } catch (SdkException e) {
            throw S3Failures.translate(e, operation, location, key);
        }
    }

    @Override
    public void close() {
        reads.close();
        deletes.close();
        http.close();
    }
}
