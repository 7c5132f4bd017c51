package dev.strata.schemas.store.s3;

import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.store.StoreLocation;
import dev.strata.schemas.store.StoreOperation;
import dev.strata.schemas.store.failure.StoreAccessDeniedException;
import dev.strata.schemas.store.failure.StoreException;
import dev.strata.schemas.store.failure.StoreRequestFailedException;
import dev.strata.schemas.store.failure.StoreUnavailableException;
import dev.strata.schemas.store.failure.UnknownOutcomeException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import org.apache.http.conn.ConnectTimeoutException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/** Turns SDK exceptions into the seam's {@link StoreException}s. */
final class S3Failures {

    private S3Failures() {
    }

    static StoreException translate(SdkException e, StoreOperation operation, StoreLocation location, ObjectKey key) {
        String store = location.describe();
        if (e instanceof AwsServiceException service) {
            return fromResponse(service, operation, store, key);
        }
        if (neverConnected(e)) {
            return new StoreUnavailableException(operation, store, key, "cannot connect to " + location.endpoint()
                    + " (" + rootMessage(e) + ")", e);
        }
        if (operation == StoreOperation.PUT) {
            return new UnknownOutcomeException(operation, store, key, "no answer from " + location.endpoint() + ": " + rootMessage(e), e);
        }
        return new StoreUnavailableException(operation, store, key, "no answer from " + location.endpoint() + " (" + rootMessage(e) + ")", e);
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
        if (!(e instanceof SdkClientException)) {
            return false;
        }
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException || t instanceof NoRouteToHostException
                    || t instanceof ConnectTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }
}
