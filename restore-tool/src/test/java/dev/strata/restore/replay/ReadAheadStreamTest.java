package dev.strata.restore.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ReadAheadStreamTest {

    private static byte[] bytes(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    /** The source's bytes up to {@code failAt}, then {@code failure}. */
    private static InputStream failingAt(byte[] bytes, int failAt, RuntimeException failure) {
        return new InputStream() {
            private int at;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] into, int offset, int length) {
                if (at == failAt) {
                    throw failure; // as an opening stream fails: at a chunk's start, after the chunks before it were read
                }
                int n = Math.min(length, Math.min(failAt, bytes.length) - at);
                System.arraycopy(bytes, at, into, offset, n);
                at += n;
                return n;
            }
        };
    }

    @Test
    void givesTheSourcesBytesAtEverySizeAroundABlock() throws IOException {
        for (int size : new int[] {0, 1, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, 3 * (1 << 20) + 5}) {
            byte[] bytes = bytes(size);
            try (InputStream ahead = new ReadAheadStream(new ByteArrayInputStream(bytes))) {
                assertThat(ahead.readAllBytes()).as("size %d", size).isEqualTo(bytes);
                assertThat(ahead.read()).isEqualTo(-1);
            }
        }
    }

    @Test
    void aFailureOfTheSourceComesWhereItsBytesStoppedNotBefore() throws IOException {
        byte[] bytes = bytes(3 * (1 << 20));
        int failAt = (1 << 20) + 77;
        IllegalStateException failure = new IllegalStateException("chunk 1 fails authentication");
        try (InputStream ahead = new ReadAheadStream(failingAt(bytes, failAt, failure))) {
            assertThat(ahead.readNBytes(failAt)).isEqualTo(Arrays.copyOf(bytes, failAt));
            assertThatThrownBy(ahead::read).isSameAs(failure);
            assertThatThrownBy(ahead::read).as("after the failure, the failure again, never an end").isSameAs(failure);
        }
    }

    @Test
    void closingBeforeTheEndStopsTheReaderAndClosesTheSource() throws IOException {
        AtomicBoolean closed = new AtomicBoolean();
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 7;
            }

            @Override
            public void close() {
                closed.set(true);
            }
        };
        InputStream ahead = new ReadAheadStream(endless);
        assertThat(ahead.read()).isEqualTo(7);
        ahead.close(); // the read-ahead, blocked on its full queue, is interrupted
        assertThat(closed).isTrue();
        assertThatThrownBy(ahead::read).isInstanceOf(IOException.class).hasMessageContaining("after close");
    }

    @Test
    void aReadAheadStoppedByAnErrorFailsTheReaderInsteadOfLeavingItWaiting() throws IOException {
        InputStream failing = new InputStream() {
            @Override
            public int read() {
                throw new AssertionError("out of memory, say");
            }
        };
        try (InputStream ahead = new ReadAheadStream(failing)) {
            assertThatThrownBy(ahead::read).isInstanceOf(IOException.class).hasMessageContaining("stopped without reaching the end")
                    .hasMessageContaining("out of memory, say");
        }
    }
}
