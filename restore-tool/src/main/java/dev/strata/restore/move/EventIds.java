package dev.strata.restore.move;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The distinct eventIds of a tenant's log, kept as the first 64 bits of each id's SHA-256, sorted: 8 bytes per event
 * however long the ids, so the log of a large tenant can be compared between two regimes in memory. Two logs are the
 * same changes when their sets are equal (copies that dedupe removes count once); a chance collision of 64-bit hashes
 * among n ids has probability about n^2 / 2^65.
 */
public final class EventIds {
    private long[] hashes = new long[1024];
    private int size;
    private boolean sorted = true;
    private final MessageDigest sha256;

    public EventIds() {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    public void add(String eventId) {
        byte[] digest = sha256.digest(eventId.getBytes(StandardCharsets.UTF_8));
        long hash = 0;
        for (int i = 0; i < Long.BYTES; i++) {
            hash = (hash << 8) | (digest[i] & 0xff);
        }
        if (size == hashes.length) {
            hashes = Arrays.copyOf(hashes, size * 2);
        }
        hashes[size++] = hash;
        sorted = false;
    }

    /** How many distinct ids were added. */
    public int distinct() {
        return unique().length;
    }

    /** Ids added here and not to {@code other}: none when every change of this log is in the other. */
    public int missingFrom(EventIds other) {
        long[] mine = unique();
        long[] theirs = other.unique();
        int missing = 0;
        for (long hash : mine) {
            if (Arrays.binarySearch(theirs, hash) < 0) {
                missing++;
            }
        }
        return missing;
    }

    private long[] unique() {
        if (!sorted) {
            Arrays.sort(hashes, 0, size);
            int kept = 0;
            for (int i = 0; i < size; i++) {
                if (kept == 0 || hashes[i] != hashes[kept - 1]) {
                    hashes[kept++] = hashes[i];
                }
            }
            size = kept;
            sorted = true;
        }
        return Arrays.copyOf(hashes, size);
    }
}
