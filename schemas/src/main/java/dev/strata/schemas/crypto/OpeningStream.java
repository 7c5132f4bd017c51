package dev.strata.schemas.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import javax.crypto.AEADBadTagException;

/**
 * A sealed body's plaintext, opened while it is read: each chunk is read whole and authenticated
 * before any of its bytes are returned, so a reader only ever sees bytes its data key vouches for.
 * A later chunk may still fail ({@link UnopenableBodyException} from a read): whoever acts on the
 * bytes must be able to undo it until the end of the stream, as a restore's target can until it
 * commits (a database's transaction, a file moved into place).
 * What lets a base's rows be loaded while the rest of it is still being opened.
 */
final class OpeningStream extends InputStream {
    private final PushbackInputStream sealed;
    private final SealedBody.Opener opener;
    /** Made at the first read: a stream opened only to check its header and data key holds no chunk's buffer. */
    private byte[] chunk;
    private byte[] plain = new byte[0];
    private int at;
    private int index;
    private boolean lastOpened;

    OpeningStream(InputStream sealed, SealedBody.Opener opener) {
        this.sealed = new PushbackInputStream(sealed, 1);
        this.opener = opener;
    }

    @Override
    public int read() throws IOException {
        return available() > 0 || openNext() ? plain[at++] & 0xff : -1;
    }

    @Override
    public int read(byte[] into, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (available() == 0 && !openNext()) {
            return -1;
        }
        int n = Math.min(length, available());
        System.arraycopy(plain, at, into, offset, n);
        at += n;
        return n;
    }

    /** Each chunk whole, as it is opened: no copy through a transfer buffer (segments are opened this way, into memory). */
    @Override
    public long transferTo(OutputStream out) throws IOException {
        long transferred = 0;
        while (available() > 0 || openNext()) {
            int length = available();
            out.write(plain, at, length);
            at += length;
            transferred += length;
        }
        return transferred;
    }

    @Override
    public int available() {
        return plain.length - at;
    }

    @Override
    public void close() throws IOException {
        sealed.close();
    }

    /** Opens chunks until one has bytes; false at the end (the last chunk, authenticated as the last, is empty). */
    private boolean openNext() throws IOException {
        while (!lastOpened) {
            if (chunk == null) {
                chunk = new byte[SealedBody.CHUNK_BYTES + SealedBody.TAG_BYTES];
            }
            int n = sealed.readNBytes(chunk, 0, chunk.length);
            boolean last = SealedBody.isAtEnd(sealed);
            try {
                plain = opener.open(index, last, chunk, n);
            } catch (AEADBadTagException e) {
                throw opener.unopenable(e);
            }
            at = 0;
            index++;
            lastOpened = last;
            if (plain.length > 0) {
                return true;
            }
        }
        return false;
    }
}
