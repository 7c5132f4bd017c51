package dev.strata.schemas;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;

/**
 * Counts and SHA-256-hashes every byte on its way to the real output, so that an object's size and
 * checksum come from the bytes written, in one pass (segments, bases).
 */
public final class CountingDigestStream extends FilterOutputStream {
    private final MessageDigest digest = Sha256.newDigest();
    private long count;
    private Sha256 finalDigest;

    public CountingDigestStream(OutputStream out) {
        super(out);
    }

    @Override
    public void write(int b) throws IOException {
        out.write(b);
        digest.update((byte) b);
        count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        digest.update(b, off, len);
        count += len;
    }

    /** Bytes written so far. */
    public long count() {
        return count;
    }

    /** The SHA-256 of everything written; call once writing is over (later writes are not in it). */
    public Sha256 sha256() {
        if (finalDigest == null) {
            finalDigest = Sha256.fromDigest(digest.digest());
        }
        return finalDigest;
    }
}
