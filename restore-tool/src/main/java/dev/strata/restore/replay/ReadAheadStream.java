package dev.strata.restore.replay;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A stream read ahead on a thread of its own, a block at a time, a few blocks deep: so that making
 * the bytes (opening a sealed base: AES-GCM) runs on the other core beside using them (decoding
 * rows for the COPY) instead of on the same thread. JFR of a fresh base's load: with the opening
 * on the loading thread its load took 2.0-2.1 s instead of 1.7-1.8 s; that thread is the load's
 * limit. A failure of the source (a chunk that fails authentication, a read error) reaches the
 * reader where the bytes it stopped would have been, never earlier. Closing stops the thread and
 * closes the source.
 */
final class ReadAheadStream extends InputStream {
    private static final int BLOCK_BYTES = 1 << 20;
    private static final int BLOCKS_AHEAD = 3;

    /** Bytes read, or the end (length -1), or what the source threw. */
    private record Block(byte[] bytes, int length, Throwable failure) {
        static final Block END = new Block(new byte[0], -1, null);
    }

    private final InputStream source;
    private final BlockingQueue<Block> ahead = new ArrayBlockingQueue<>(BLOCKS_AHEAD);
    private final Thread reader;
    private Block current = new Block(new byte[0], 0, null);
    private int at;

    ReadAheadStream(InputStream source, String name) {
        this.source = source;
        this.reader = new Thread(this::readAhead, name);
        reader.setDaemon(true);
        reader.start();
    }

    private void readAhead() {
        try {
            while (true) {
                byte[] block = new byte[BLOCK_BYTES];
                int n = 0;
                int read = 0;
                try {
                    while (n < BLOCK_BYTES && (read = source.read(block, n, BLOCK_BYTES - n)) >= 0) {
                        n += read;
                    }
                } catch (IOException | RuntimeException | Error e) {
                    putRead(block, n);
                    ahead.put(new Block(null, 0, e)); // after the bytes read before it
                    return;
                }
                putRead(block, n);
                if (read < 0) {
                    ahead.put(Block.END);
                    return;
                }
            }
        } catch (InterruptedException e) {
            // closed: nobody reads on
        }
    }

    private void putRead(byte[] block, int n) throws InterruptedException {
        if (n > 0) {
            ahead.put(new Block(block, n, null));
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] into, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (current == Block.END || (at == current.length() && !next())) {
            return -1;
        }
        int n = Math.min(length, current.length() - at);
        System.arraycopy(current.bytes(), at, into, offset, n);
        at += n;
        return n;
    }

    /** Takes the next block; false at the end, which stays the end. */
    private boolean next() throws IOException {
        if (current == Block.END) {
            return false;
        }
        try {
            current = ahead.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the next block read ahead");
        }
        at = 0;
        if (current.failure() != null) {
            Throwable failure = current.failure();
            current = Block.END;
            if (failure instanceof IOException io) {
                throw new IOException(io.getMessage(), io); // thrown again on this thread, with its own trace as the cause
            }
            if (failure instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw (Error) failure;
        }
        return current != Block.END;
    }

    @Override
    public void close() throws IOException {
        reader.interrupt();
        try {
            reader.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        source.close();
    }
}
