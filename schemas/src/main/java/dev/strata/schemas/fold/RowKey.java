package dev.strata.schemas.fold;

import java.util.Arrays;

/**
 * Key bytes as a hash-map key (arrays compare by identity). Not Arrays.hashCode: keys are a few
 * varint bytes, and a polynomial of base 31 over them collides by the thousand (a million ids fell
 * into tree bins); FNV-1a with a final avalanche spreads them.
 */
final class RowKey {
    final byte[] bytes;
    private final int hash;

    RowKey(byte[] bytes) {
        this.bytes = bytes;
        this.hash = hash(bytes);
    }

    static int hash(byte[] bytes) {
        return hash(bytes, bytes.length);
    }

    /** The hash of {@code bytes[0..length)}. */
    static int hash(byte[] bytes, int length) {
        int h = 0x811c9dc5;
        for (int i = 0; i < length; i++) {
            h = (h ^ (bytes[i] & 0xff)) * 0x01000193;
        }
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        return h ^ (h >>> 16);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RowKey other && hash == other.hash && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }
}
