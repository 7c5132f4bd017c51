package dev.strata.sink.store;

import dev.strata.schemas.Sha256;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.store.ByteRange;
import dev.strata.schemas.store.ForwardingObjectStore;
import dev.strata.schemas.store.ListPage;
import dev.strata.schemas.store.LocalFileException;
import dev.strata.schemas.store.ObjectFile;
import dev.strata.schemas.store.ObjectInfo;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.ObjectVersionInfo;
import dev.strata.schemas.store.PutResult;
import dev.strata.schemas.store.StoredFile;
import dev.strata.schemas.store.StoredObject;
import dev.strata.schemas.store.failure.ConflictingObjectException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Whether one region answers, seen from every store call the sink makes to it: the last call's
 * outcome, and how long the oldest call still waiting has waited. A hung gateway accepts a
 * connection and then says nothing, so no call fails for a socket timeout's length, and the retry
 * counter stays still for minutes; the age of the oldest waiting call shows it within seconds. Sits
 * under the retrying decorator, so it sees every attempt.
 */
public final class RegionHealth extends ForwardingObjectStore {
    private final Clock clock;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, Long> startedMillis = new ConcurrentHashMap<>();
    private volatile boolean failing;

    public RegionHealth(ObjectStore delegate, Clock clock) {
        super(delegate);
        this.clock = clock;
    }

    /** True from a failed call (the region did not answer, or refused) until the next call that succeeds. */
    public boolean failing() {
        return failing;
    }

    /** Seconds the oldest call still in flight has waited; 0 when none is. */
    public double oldestCallSeconds() {
        long now = clock.millis();
        return startedMillis.values().stream().mapToLong(Long::longValue).min().stream().mapToDouble(started -> (now - started) / 1000.0)
                .findFirst().orElse(0);
    }

    private <T> T timed(Supplier<T> call) {
        Long id = ids.incrementAndGet();
        startedMillis.put(id, clock.millis());
        try {
            T result = call.get();
            failing = false;
            return result;
        } catch (ConflictingObjectException answered) {
            failing = false; // the region answered; the bytes are the problem
            throw answered;
        } catch (RuntimeException e) {
            failing = !(e.getCause() instanceof LocalFileException); // the local disk failed, after the region answered
            throw e;
        } finally {
            startedMillis.remove(id);
        }
    }

    @Override
    public PutResult putIfAbsent(ObjectKey key, byte[] bytes, Sha256 sha256) {
        return timed(() -> delegate.putIfAbsent(key, bytes, sha256));
    }

    @Override
    public PutResult putIfAbsent(ObjectKey key, ObjectFile file) {
        return timed(() -> delegate.putIfAbsent(key, file));
    }

    @Override
    public Optional<StoredObject> get(ObjectKey key) {
        return timed(() -> delegate.get(key));
    }

    @Override
    public Optional<StoredFile> getToFile(ObjectKey key, Path target) {
        return timed(() -> delegate.getToFile(key, target));
    }

    @Override
    public Optional<StoredObject> get(ObjectKey key, ByteRange range) {
        return timed(() -> delegate.get(key, range));
    }

    @Override
    public Optional<ObjectInfo> head(ObjectKey key) {
        return timed(() -> delegate.head(key));
    }

    @Override
    public List<ObjectVersionInfo> versions(ObjectKey key) {
        return timed(() -> delegate.versions(key));
    }

    @Override
    public ListPage list(ObjectKey prefix, Optional<ObjectKey> startAfter, int maxKeys) {
        return timed(() -> delegate.list(prefix, startAfter, maxKeys));
    }
}
