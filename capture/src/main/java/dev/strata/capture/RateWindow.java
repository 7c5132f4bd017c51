package dev.strata.capture;

/**
 * Events per second over the last {@code seconds} whole seconds, in one-second buckets; the
 * current, incomplete second is not counted. Thread-safe.
 */
final class RateWindow {
    private final int seconds;
    private final long[] counts;
    private final long[] bucketSecond;

    RateWindow(int seconds) {
        if (seconds <= 0) {
            throw new IllegalArgumentException("a rate window needs at least one second, got " + seconds);
        }
        this.seconds = seconds;
        this.counts = new long[seconds + 1];
        this.bucketSecond = new long[seconds + 1];
    }

    synchronized void record(long count, long nowMillis) {
        long second = Math.floorDiv(nowMillis, 1000L);
        int slot = (int) Math.floorMod(second, (long) counts.length);
        if (bucketSecond[slot] != second) {
            bucketSecond[slot] = second;
            counts[slot] = 0;
        }
        counts[slot] += count;
    }

    synchronized double perSecond(long nowMillis) {
        long current = Math.floorDiv(nowMillis, 1000L);
        long total = 0;
        for (int i = 0; i < counts.length; i++) {
            if (bucketSecond[i] < current && bucketSecond[i] >= current - seconds) {
                total += counts[i];
            }
        }
        return (double) total / seconds;
    }
}
