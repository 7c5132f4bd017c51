package dev.strata.schemas.store;

import dev.strata.schemas.Sha256;
import dev.strata.schemas.layout.ObjectKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;

/**
 * An object's bytes staged in a local file, with their size, SHA-256 and Content-MD5: what
 * {@link ObjectStore#putIfAbsent(ObjectKey, ObjectFile)} sends without holding the object in memory.
 *
 * <p>Made only by {@link ObjectFileOutput}, which computes all three from the same bytes as it writes
 * them, so they agree: a store records the SHA-256 without reading the file again, and the server
 * checks the transfer against the MD5 (a file changed after it was written fails there, or here if
 * its size changed).
 */
public final class ObjectFile {
    private final Path path;
    private final long size;
    private final Sha256 sha256;
    private final String contentMd5;

    ObjectFile(Path path, long size, Sha256 sha256, String contentMd5) {
        this.path = Objects.requireNonNull(path, "path");
        this.size = size;
        this.sha256 = Objects.requireNonNull(sha256, "sha256");
        this.contentMd5 = Objects.requireNonNull(contentMd5, "contentMd5");
    }

    public Path path() {
        return path;
    }

    public long size() {
        return size;
    }

    public Sha256 sha256() {
        return sha256;
    }

    /** Base64 of the MD5, as the {@code Content-MD5} header carries it. */
    public String contentMd5() {
        return contentMd5;
    }

    /**
     * Fails before anything is sent if the file is gone or its size is not the one hashed.
     *
     * @throws IllegalArgumentException naming the key and the file if the file changed after it was written
     */
    public void checkUnchanged(ObjectKey key) {
        long now;
        try {
            now = Files.size(path);
        } catch (IOException e) {
            throw new UncheckedIOException("put " + key + ": cannot read the staged file " + path + " (" + e.getMessage()
                    + "); it was removed before its upload ended: keep it until the put returns", e);
        }
        if (now != size) {
            throw new IllegalArgumentException("put " + key + ": the staged file " + path + " holds " + now + " bytes, not the "
                    + size + " that were hashed; the file changed after it was written");
        }
    }

    /** Moves the file to {@code target} (replacing it): the same object, staged elsewhere. */
    public ObjectFile moveTo(Path target) throws IOException {
        Files.move(path, target, StandardCopyOption.REPLACE_EXISTING);
        return new ObjectFile(target, size, sha256, contentMd5);
    }

    @Override
    public String toString() {
        return "ObjectFile[" + path + ", " + size + " bytes, " + sha256 + "]";
    }
}
