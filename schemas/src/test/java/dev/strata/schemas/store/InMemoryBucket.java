package dev.strata.schemas.store;

import dev.strata.schemas.Sha256;
import dev.strata.schemas.layout.ObjectKey;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A versioned bucket in memory: every put adds a version, nothing is ever removed (as under
 * Object Lock). For unit tests of code that uses an ObjectStore; it passes ObjectStoreContract.
 */
public final class InMemoryBucket {

    record Version(String versionId, byte[] bytes, Optional<Sha256> declaredSha256, Instant lastModified) {
    }

    private final TreeMap<ObjectKey, List<Version>> objects = new TreeMap<>();
    private final Clock clock;
    private long nextVersion = 1;

    public InMemoryBucket(Clock clock) {
        this.clock = clock;
    }

    public InMemoryBucket() {
        this(Clock.systemUTC());
    }

    /** A store over this bucket that reads with {@code policy}. */
    public ObjectStore store(VersionPolicy policy) {
        return new InMemoryObjectStore(this, policy);
    }

    /** Writes a new version without metadata, as a stolen writer key could: bypasses the seam. */
    public synchronized void overwrite(ObjectKey key, byte[] bytes) {
        add(key, bytes, Optional.empty());
    }

    synchronized void add(ObjectKey key, byte[] bytes, Optional<Sha256> declared) {
        String id = "v" + nextVersion++;
        objects.computeIfAbsent(key, k -> new ArrayList<>()).add(new Version(id, bytes.clone(), declared, clock.instant()));
    }

    /** Oldest first. */
    synchronized List<Version> versions(ObjectKey key) {
        return List.copyOf(objects.getOrDefault(key, List.of()));
    }

    synchronized List<Map.Entry<ObjectKey, List<Version>>> after(ObjectKey prefix, Optional<ObjectKey> startAfter) {
        List<Map.Entry<ObjectKey, List<Version>>> result = new ArrayList<>();
        for (Map.Entry<ObjectKey, List<Version>> e : objects.tailMap(startAfter.orElse(prefix), startAfter.isEmpty()).entrySet()) {
            if (!e.getKey().startsWith(prefix)) {
                if (e.getKey().compareTo(prefix) > 0) {
                    break;
                }
                continue;
            }
            result.add(Map.entry(e.getKey(), List.copyOf(e.getValue())));
        }
        return result;
    }
}
