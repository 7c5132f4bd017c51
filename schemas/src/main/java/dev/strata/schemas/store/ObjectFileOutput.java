package dev.strata.schemas.store;

import dev.strata.schemas.CountingDigestStream;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;

/**
 * Writes an object to a local file while counting it and computing its SHA-256 and MD5, in one pass:
 * after {@link #close()}, {@link #objectFile()} is ready for an upload that never holds it in memory.
 */
public final class ObjectFileOutput extends FilterOutputStream {
    private static final int BUFFER_BYTES = 1 << 16;

    private final Path path;
    private final MessageDigest md5;
    private final CountingDigestStream counted;
    private ObjectFile written;

    private ObjectFileOutput(Path path, MessageDigest md5, CountingDigestStream counted) {
        super(counted);
        this.path = path;
        this.md5 = md5;
        this.counted = counted;
    }

    /** Creates (or truncates) {@code path}. */
    public static ObjectFileOutput create(Path path) throws IOException {
        MessageDigest md5 = ContentMd5.newDigest();
        OutputStream file = new BufferedOutputStream(Files.newOutputStream(path), BUFFER_BYTES);
        return new ObjectFileOutput(path, md5, new CountingDigestStream(new DigestOutputStream(file, md5)));
    }

    /**
     * Copies {@code in} to its end into {@code path}, hashing as it writes: how a store reads an object to a
     * file. Deletes {@code path} if the copy fails, so a failed read leaves nothing behind.
     *
     * @throws LocalFileException when the file could not be written; an {@code in}'s failure is thrown as it is
     */
    public static ObjectFile copy(InputStream in, Path path) throws IOException {
        ObjectFileOutput out;
        try {
            out = create(path);
        } catch (IOException e) {
            throw new LocalFileException(path, e);
        }
        try (out) {
            byte[] buffer = new byte[BUFFER_BYTES];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                write(out, buffer, n);
            }
            try {
                out.close();
            } catch (IOException e) {
                throw new LocalFileException(path, e);
            }
            return out.objectFile();
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup); // on a failing disk the delete fails too: the first failure says what happened
            }
            throw e;
        }
    }

    private static void write(ObjectFileOutput out, byte[] buffer, int length) throws LocalFileException {
        try {
            out.write(buffer, 0, length);
        } catch (IOException e) {
            throw new LocalFileException(out.path, e);
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len); // FilterOutputStream's own would write byte by byte
    }

    /** Bytes written so far. */
    public long count() {
        return counted.count();
    }

    @Override
    public void close() throws IOException {
        if (written == null) {
            super.close();
            written = new ObjectFile(path, counted.count(), counted.sha256(), ContentMd5.encode(md5.digest()));
        }
    }

    /** The file written, with its size, SHA-256 and Content-MD5. */
    public ObjectFile objectFile() {
        if (written == null) {
            throw new IllegalStateException("the object file " + path + " is still being written: close it first");
        }
        return written;
    }
}
