package dev.strata.schemas.store;

import dev.strata.schemas.Sha256;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.store.failure.StoreRequestFailedException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The ObjectStore over an {@link InMemoryBucket}, with the same version semantics as S3ObjectStore. */
final class InMemoryObjectStore implements ObjectStore {

    private final InMemoryBucket bucket;
    private final VersionPolicy policy;

    InMemoryObjectStore(InMemoryBucket bucket, VersionPolicy policy) {
        this.bucket = bucket;
        this.policy = policy;
    }

    @Override
    public PutResult putIfAbsent(ObjectKey key, byte[] bytes, Sha256 sha256) {
        if (!sha256.matches(bytes)) {
            throw new IllegalArgumentException("put " + key + ": the given SHA-256 " + sha256 + " is not that of the bytes given");
        }
        synchronized (bucket) {
            return WriteOnce.put(this, key, bytes.length, sha256, () -> bucket.add(key, bytes, Optional.of(sha256)));
        }
    }

    /** Reads the file whole (a test store), then checks it as RGW checks a transfer: by its Content-MD5. */
    @Override
    public PutResult putIfAbsent(ObjectKey key, ObjectFile file) {
        file.checkUnchanged(key);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file.path());
        } catch (IOException e) {
            throw new UncheckedIOException("put " + key + ": cannot read " + file.path(), e);
        }
        if (!ContentMd5.of(bytes).equals(file.contentMd5())) {
            throw new StoreRequestFailedException(StoreOperation.PUT, describe(), key, 400,
                    "BadDigest: the Content-MD5 you specified did not match what was received", null);
        }
        return putIfAbsent(key, bytes, file.sha256());
    }

    @Override
    public Optional<StoredObject> get(ObjectKey key) {
        return version(key).map(v -> new StoredObject(key, Optional.of(v.versionId()), v.bytes().clone(), v.bytes().length, v.declaredSha256()));
    }

    @Override
    public Optional<StoredFile> getToFile(ObjectKey key, Path target) {
        return version(key).map(v -> {
            try {
                return new StoredFile(new ObjectInfo(key, v.bytes().length, v.declaredSha256(), Optional.of(v.versionId())),
                        ObjectFileOutput.copy(new ByteArrayInputStream(v.bytes()), target));
            } catch (IOException e) {
                throw new UncheckedIOException("get " + key + ": cannot write " + target, e);
            }
        });
    }

    @Override
    public Optional<StoredObject> get(ObjectKey key, ByteRange range) {
        return version(key).map(v -> {
            int from = (int) Math.min(range.offset(), v.bytes().length);
            int to = (int) Math.min(range.lastInclusive() + 1, v.bytes().length);
            return new StoredObject(key, Optional.of(v.versionId()), Arrays.copyOfRange(v.bytes(), from, to), v.bytes().length,
                    v.declaredSha256());
        });
    }

    @Override
    public Optional<ObjectInfo> head(ObjectKey key) {
        return version(key).map(v -> new ObjectInfo(key, v.bytes().length, v.declaredSha256(), Optional.of(v.versionId())));
    }

    @Override
    public List<ObjectVersionInfo> versions(ObjectKey key) {
        return bucket.versions(key).stream()
                .map(v -> new ObjectVersionInfo(key, v.versionId(), v.bytes().length, v.lastModified()))
                .toList();
    }

    @Override
    public ListPage list(ObjectKey prefix, Optional<ObjectKey> startAfter, int maxKeys) {
        if (maxKeys < 1 || maxKeys > MAX_KEYS_PER_PAGE) {
            throw new IllegalArgumentException("maxKeys " + maxKeys + " is outside 1.." + MAX_KEYS_PER_PAGE);
        }
        List<Map.Entry<ObjectKey, List<InMemoryBucket.Version>>> all = bucket.after(prefix, startAfter);
        List<ListedObject> page = all.stream()
                .limit(maxKeys)
                .map(e -> new ListedObject(e.getKey(), pick(e.getValue()).bytes().length))
                .toList();
        return new ListPage(page, all.size() > maxKeys);
    }

    @Override
    public String describe() {
        return "in-memory bucket";
    }

    @Override
    public void close() {
        // nothing to release
    }

    private Optional<InMemoryBucket.Version> version(ObjectKey key) {
        List<InMemoryBucket.Version> versions = bucket.versions(key);
        return versions.isEmpty() ? Optional.empty() : Optional.of(pick(versions));
    }

    private InMemoryBucket.Version pick(List<InMemoryBucket.Version> oldestFirst) {
        return policy == VersionPolicy.FIRST_VERSION ? oldestFirst.get(0) : oldestFirst.get(oldestFirst.size() - 1);
    }
}
