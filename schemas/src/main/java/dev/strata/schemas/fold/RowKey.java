package dev.strata.schemas.fold;

import java.util.Arrays;
import java.util.OptionalLong;

/**
 * Key bytes as a hash-map key (arrays compare by identity). Not Arrays.hashCode: keys are a few
 * varint bytes, and a polynomial of base 31 over them collides by the thousand (a million ids fell
 * into tree bins); FNV-1a with a final avalanche spreads them.
 *
 * <p>A key of one integer (an id: most tables' key, and changed in runs) is hashed by runs of
 * {@link #RUN} integers: its low bits are its place in its run, the others an avalanche of the run. An
 * open-addressing index ({@link KeyedVersions}) then holds a run in consecutive slots, and a segment's
 * changes of consecutive ids probe a cache line per few ids instead of one each. Whoever picks one of
 * a few buckets by a hash takes its high bits ({@link #bucket}).
 */
public final class RowKey {
    /** Integers per run; a power of two. At most half full, an index of dense ids probes about 5 slots (80 bytes) a key. */
    private static final int RUN = 8;

    final byte[] bytes;
    private final int hash;

    RowKey(byte[] bytes) {
        this.bytes = bytes;
        this.hash = hash(bytes);
    }

    public static int hash(byte[] bytes) {
        return hash(bytes, bytes.length);
    }

    /** The hash of {@code bytes[0..length)}. */
    public static int hash(byte[] bytes, int length) {
        if (length >= 3 && length <= 12 && bytes[0] == 1 && bytes[1] == RowCodec.LONG) {
            return integerHash(bytes, length);
        }
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

    /** A one-integer key's hash: its place in its run of {@link #RUN}, under an avalanche of the run (SplitMix64's). */
    private static int integerHash(byte[] bytes, int length) {
        long zigZag = 0;
        for (int i = 2, shift = 0; i < length; i++, shift += 7) {
            zigZag |= (long) (bytes[i] & 0x7F) << shift;
        }
        long value = (zigZag >>> 1) ^ -(zigZag & 1);
        long run = (value >> Integer.numberOfTrailingZeros(RUN)) * 0x9E3779B97F4A7C15L;
        run = (run ^ (run >>> 30)) * 0xBF58476D1CE4E5B9L;
        run = (run ^ (run >>> 27)) * 0x94D049BB133111EBL;
        run ^= run >>> 31;
        return ((int) run & -RUN) | ((int) value & (RUN - 1));
    }

    /** One of {@code count} buckets for {@code hash}, by its high bits (the low ones of an integer key are its place in its run). */
    static int bucket(int hash, int count) {
        return (int) (((hash & 0xffffffffL) * count) >>> 32);
    }

    /**
     * The one integer of a key of exactly one integer value (the fold's key bytes: the count of the
     * values, then each in {@link RowCodec}'s form); empty for any other key, bytes cut short, or a varint longer than
     * it need be.
     */
    public static OptionalLong singleInteger(byte[] key) {
        return singleInteger(key, 0, key.length);
    }

    /** The same, of {@code key[from..from+length)}. */
    static OptionalLong singleInteger(byte[] key, int from, int length) {
        int end = from + length;
        if (length < 3 || key[from] != 1 || key[from + 1] != RowCodec.LONG) {
            return OptionalLong.empty();
        }
        long zigZag = 0;
        int at = from + 2;
        for (int shift = 0; ; shift += 7) {
            if (at == end || shift > 63) {
                return OptionalLong.empty();
            }
            int b = key[at++];
            if (shift == 63 && (b & 0x7E) != 0) {
                return OptionalLong.empty(); // bits past the 64th
            }
            zigZag |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
        }
        // one form per integer (a last byte of 0 only when it is the only one): equal integers are then equal key bytes
        boolean shortest = at == from + 3 || key[at - 1] != 0;
        return at == end && shortest ? OptionalLong.of((zigZag >>> 1) ^ -(zigZag & 1)) : OptionalLong.empty();
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
