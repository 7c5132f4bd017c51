package dev.strata.schemas.fold.select;

import dev.strata.schemas.fold.RowKey;
import java.util.Arrays;
import java.util.Collection;

/**
 * A fixed set of keys as the fold encodes them, asked with a slice of a reused buffer: a rollback's
 * decoder asks it once for every change of the log it reads, so the question allocates nothing and
 * hashes as the fold does ({@link RowKey}). Open addressing, at most half full.
 */
public final class KeySet {
    private final byte[][] slots;
    private final int[] hashes;
    private final int mask;
    private int size;

    public KeySet(Collection<byte[]> keys) {
        int capacity = Integer.highestOneBit(Math.max(2, keys.size()) * 2 - 1) << 1;
        slots = new byte[capacity][];
        hashes = new int[capacity];
        mask = capacity - 1;
        keys.forEach(this::add);
    }

    private void add(byte[] key) {
        int hash = RowKey.hash(key);
        int slot = find(key, key.length, hash);
        if (slots[slot] == null) {
            slots[slot] = key.clone();
            hashes[slot] = hash;
            size++;
        }
    }

    /** Whether {@code key[0..length)} is one of the keys. */
    public boolean contains(byte[] key, int length) {
        return size > 0 && slots[find(key, length, RowKey.hash(key, length))] != null;
    }

    public int size() {
        return size;
    }

    /** The slot holding the key, or the empty one where it would go. */
    private int find(byte[] key, int length, int hash) {
        for (int slot = hash & mask; ; slot = (slot + 1) & mask) {
            byte[] at = slots[slot];
            if (at == null || (hashes[slot] == hash && Arrays.equals(at, 0, at.length, key, 0, length))) {
                return slot;
            }
        }
    }
}
