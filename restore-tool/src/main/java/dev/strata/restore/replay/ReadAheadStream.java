package dev.strata.restore.replay;

import dev.strata.restore.store.DaemonPool;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A stream read ahead on another thread, a block at a time, a few blocks deep: so that making the
 * bytes (opening a sealed base: AES-GCM) runs on the other core beside using them (decoding rows for
 * the COPY) instead of on the same thread. With the opening on the loading thread, a fresh base's
 * load took 2.0-2.1 s instead of 1.7-1.8 s: that thread is the load's limit. A failure of the source
 * (a chunk that fails authentication, a read error) reaches the reader where the bytes it stopped
 * would have been, never earlier, and again at every later read. Closing stops the read-ahead and
 * closes the source.
 */
final class ReadAheadStream extends InputStream {
    /** Threads reused across streams: each that opens a sealed body keeps a chunk's direct buffer (GcmOpening). */
    private static final ExecutorService READERS = DaemonPool.of("base-read-ahead", 2);
    private static final int BLOCK_BYTES = 1 << 20;
    private static final int BLOCKS_AHEAD = 3;
    private static final long LIVENESS_CHECK_MILLIS = 200;

    /** Bytes read, or the end (length -1), or what the source threw. */
    private record Block(byte[] bytes, int length, Exception failure) {
        static final Block END = new Block(new byte[0], -1, null);
    }

    private final InputStream source;
    private final BlockingQueue<Block> ahead = new ArrayBlockingQueue<>(BLOCKS_AHEAD);
    private final Future<?> readAhead;
    private Block current = new Block(new byte[0], 0, null);
    private int at;
    /** What the source threw (an IOException wrapped on this thread), thrown again at every later read. */
    private Exception failed;
    private boolean closed;

    ReadAheadStream(InputStream source) {
        this.source = source;
        this.readAhead = READERS.submit(this::readAhead);
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
                } catch (IOException | RuntimeException e) {
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
        if (closed) {
            throw new IOException("read after close");
        }
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

    /** Takes the next block; false at the end, which stays the end; a failure is thrown again at every call. */
    private boolean next() throws IOException {
        throwIfFailed();
        current = take();
        at = 0;
        if (current.failure() != null) {
            // an IOException is thrown on this thread, with the source's trace as the cause
            failed = current.failure() instanceof IOException io ? new IOException(io.getMessage(), io) : current.failure();
        }
        throwIfFailed();
        return current != Block.END;
    }

    private void throwIfFailed() throws IOException {
        if (failed instanceof IOException io) {
            throw io;
        }
        if (failed != null) {
            throw (RuntimeException) failed; // the source throws nothing else (readAhead catches only these)
        }
    }

    /** The next block; a read-ahead that ended without queuing its end (an Error on its thread) is a failure, not a wait for ever. */
    private Block take() throws IOException {
        try {
            while (true) {
                Block block = ahead.poll(LIVENESS_CHECK_MILLIS, TimeUnit.MILLISECONDS);
                if (block != null) {
                    return block;
                }
                if (readAhead.isDone() && ahead.isEmpty()) {
                    IOException stopped = new IOException("the read-ahead stopped without reaching the end: " + why());
                    failed = stopped;
                    throw stopped;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the next block read ahead");
        }
    }

    private String why() throws InterruptedException {
        try {
            readAhead.get();
            return "no reason given";
        } catch (ExecutionException e) {
            return String.valueOf(e.getCause());
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        readAhead.cancel(true); // a read-ahead waiting on the full queue ends; one not started never starts
        source.close();
    }
}
