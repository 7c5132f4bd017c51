package dev.strata.schemas.store.s3;

import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.store.LocalFileException;
import dev.strata.schemas.store.StoreLocation;
import dev.strata.schemas.store.StoreOperation;
import dev.strata.schemas.store.failure.StoreAccessDeniedException;
import dev.strata.schemas.store.failure.StoreException;
import dev.strata.schemas.store.failure.StoreRequestFailedException;
import dev.strata.schemas.store.failure.StoreUnavailableException;
import dev.strata.schemas.store.failure.UnknownOutcomeException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;
import org.apache.http.ConnectionClosedException;
import org.apache.http.TruncatedChunkException;
import org.apache.http.conn.ConnectTimeoutException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/** Turns SDK exceptions into the seam's {@link StoreException}s, naming what failed: the connection, the answer, or the local disk. */
final class S3Failures {

    private S3Failures() {
    }

    /**
     * @return a {@link StoreException}, or an {@link UncheckedIOException} when the local file an object was read into
     *     failed (the store is not at fault, and a retry would GET it again into the same disk)
     */
    static RuntimeException translate(SdkException e, StoreOperation operation, StoreLocation location, ObjectKey key) {
        String store = location.describe();
        if (e instanceof AwsServiceException service) {
            return fromResponse(service, operation, store, key);
        }
        Optional<LocalFileException> local = cause(e, LocalFileException.class);
        if (local.isPresent()) {
            return new UncheckedIOException("reading object " + key.value() + " of " + store + " to a local file failed: "
                    + local.get().getMessage() + "; free or fix that disk, then run again", local.get());
        }
        if (neverConnected(e)) {
            return new StoreUnavailableException(operation, store, key, "cannot connect to " + location.endpoint()
                    + " (" + rootMessage(e) + ")", e);
        }
        Optional<BodyTooLargeException> tooLarge = cause(e, BodyTooLargeException.class);
        if (tooLarge.isPresent()) {
            return new StoreRequestFailedException(operation, store, key, 200, tooLarge.get().getMessage(), e);
        }
        String what = cutOff(e) ? "the answer from " + location.endpoint() + " was cut off" : "no answer from " + location.endpoint();
        if (operation == StoreOperation.PUT) {
            return new UnknownOutcomeException(operation, store, key, what + ": " + rootMessage(e), e);
        }
        return new StoreUnavailableException(operation, store, key, what + " (" + rootMessage(e) + ")", e);
    }

    private static StoreException fromResponse(AwsServiceException e, StoreOperation operation, String store, ObjectKey key) {
        int status = e.statusCode();
        String code = e.awsErrorDetails() != null && e.awsErrorDetails().errorCode() != null ? e.awsErrorDetails().errorCode() : "-";
        if (status == 403) {
            return new StoreAccessDeniedException(operation, store, key, code, e);
        }
        if ("NoSuchBucket".equals(code)) {
            return new StoreRequestFailedException(operation, store, key, status, "the bucket does not exist at this endpoint:"
                    + " check the .bucket and .endpoint settings of this region (a request sent to the other region fails this way)", e);
        }
        if (operation == StoreOperation.PUT && status >= 500) {
            // The server took the request and then failed: like Iceberg's commit-state-unknown, it may have stored it.
            return new UnknownOutcomeException(operation, store, key, "server error " + status + " " + code, e);
        }
        return new StoreRequestFailedException(operation, store, key, status, "the store answered " + status + " " + code
                + (status >= 500 ? "; retry later" : ""), e);
    }

    /** Whether the request certainly never reached the server: no connection was made. */
    private static boolean neverConnected(SdkException e) {
        return e instanceof SdkClientException && causedByAny(e, ConnectException.class, UnknownHostException.class,
                NoRouteToHostException.class, ConnectTimeoutException.class);
    }

    /** Whether an answer began and its body then ended early or ran past its declared length (a get's, after the SDK's retries). */
    private static boolean cutOff(SdkException e) {
        return causedByAny(e, BodyLengthException.class, ConnectionClosedException.class, TruncatedChunkException.class);
    }

    @SafeVarargs
    private static boolean causedByAny(Throwable e, Class<? extends Throwable>... types) {
        return Arrays.stream(types).anyMatch(type -> cause(e, type).isPresent());
    }

    private static <T extends Throwable> Optional<T> cause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return Optional.of(type.cast(t));
            }
        }
        return Optional.empty();
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }
}
