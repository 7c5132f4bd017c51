package dev.strata.restore.target.postgres.copy;

/** What wraps the rows of every binary COPY stream: the signature, flags and extension length before, -1 after. */
final class BinaryCopyFrame {
    static final byte[] HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0, 0, 0, 0, 0, 0, 0, 0, 0};
    static final byte[] TRAILER = {(byte) 0xff, (byte) 0xff};

    private BinaryCopyFrame() {
    }
}
