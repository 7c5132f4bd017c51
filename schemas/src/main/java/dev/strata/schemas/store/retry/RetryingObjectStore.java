package dev.strata.schemas.store.retry;

import dev.strata.schemas.Sha256;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.ops.StopSignal;
import dev.strata.schemas.ops.StoppingException;
import dev.strata.schemas.store.ByteRange;
import dev.strata.schemas.store.ListPage;
import dev.strata.schemas.store.ObjectFile;
import dev.strata.schemas.store.ObjectInfo;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.ObjectVersionInfo;
import dev.strata.schemas.store.PutResult;
import dev.strata.schemas.store.StoredFile;
import dev.strata.schemas.store.StoredObject;
import dev.strata.schemas.store.failure.StoreException;
import dev.strata.schemas.store.failure.StoreRequestFailedException;
import dev.strata.schemas.store.failure.StoreUnavailableException;
import dev.strata.schemas.store.failure.UnknownOutcomeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Retries an ObjectStore's operations with backoff, so that no business code loops. Retried:
 * an unreachable store, an unknown outcome, a 5xx answer. A put is retried by running the whole
 * putIfAbsent again, which HEADs first: a first attempt that did land is then found
 * ({@code ALREADY_PRESENT_IDENTICAL}), one that did not is written. Never retried: a conflict (the
 * alarm), access denied, other 4xx: repeating them cannot help.
 *
 * <p>{@code maxAttempts} 0 means until stopped: the sink's uploads wait out a region's outage this
 * way while the commit rule holds the offsets back (Kafka's retention is the buffer).
 */
public final class RetryingObjectStore implements ObjectStore {
    private final ObjectStore delegate;
    private final Backoff backoff;
    private final int maxAttempts;
    private final StopSignal stop;
    private final Consumer<StoreException> onRetry;

    public RetryingObjectStore(ObjectStore delegate, Backoff backoff, int maxAttempts, StopSignal stop, Consumer<StoreException> onRetry) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        if (maxAttempts < 0) {
            throw new IllegalArgumentException("maxAttempts " + maxAttempts + " is negative (0 means until stopped)");
        }
        this.maxAttempts = maxAttempts;
        this.stop = Objects.requireNonNull(stop, "stop");
        this.onRetry = Objects.requireNonNull(onRetry, "onRetry");
    }

    static boolean retryable(StoreException e) {
        return e instanceof StoreUnavailableException || e instanceof UnknownOutcomeException
                || (e instanceof StoreRequestFailedException failed && failed.statusCode() >= 500);
    }

    @Override
    public PutResult putIfAbsent(ObjectKey key, byte[] bytes, Sha256 sha256) {
        return retry("put " + key, () -> delegate.putIfAbsent(key, bytes, sha256));
    }

    /** Each attempt sends the file again from its start. */
    @Override
    public PutResult putIfAbsent(ObjectKey key, ObjectFile file) {
        return retry("put " + key, () -> delegate.putIfAbsent(key, file));
    }

    @Override
    public Optional<StoredObject> get(ObjectKey key) {
        return retry("get " + key, () -> delegate.get(key));
    }

    @Override
    public Optional<StoredFile> getToFile(ObjectKey key, Path target) {
        return retry("get " + key, () -> delegate.getToFile(key, target));
    }

    @Override
    public Optional<StoredObject> get(ObjectKey key, ByteRange range) {
        return retry("get " + key, () -> delegate.get(key, range));
    }

    @Override
    public Optional<ObjectInfo> head(ObjectKey key) {
        return retry("head " + key, () -> delegate.head(key));
    }

    @Override
    public List<ObjectVersionInfo> versions(ObjectKey key) {
        return retry("list versions of " + key, () -> delegate.versions(key));
    }

    @Override
    public ListPage list(ObjectKey prefix, Optional<ObjectKey> startAfter, int maxKeys) {
        return retry("list " + prefix, () -> delegate.list(prefix, startAfter, maxKeys));
    }

    @Override
    public String describe() {
        return delegate.describe();
    }

    /** The store's owner closes the delegate: several decorators share one. */
    @Override
    public void close() {
        // nothing of its own
    }

    private <T> T retry(String what, Supplier<T> operation) {
        for (int attempt = 1; ; attempt++) {
            if (stop.stopped()) {
                throw new StoppingException(what + " in " + delegate.describe());
            }
            try {
                return operation.get();
            } catch (StoreException e) {
                if (!retryable(e) || (maxAttempts > 0 && attempt >= maxAttempts)) {
                    throw e;
                }
                onRetry.accept(e);
                Duration wait = backoff.delay(attempt);
                if (stop.awaitStop(wait)) {
                    throw new StoppingException(what + " in " + delegate.describe() + " (last failure: " + e.getMessage() + ")");
                }
            }
        }
    }
}
