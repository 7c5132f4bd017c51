package dev.strata.sink.base;

/**
 * Keeps a tenant's restore time proportional to its size rather than to its history. A restore
 * reads the newest base and then the log after it, and folding one event of that tail costs about
 * as much as loading one base row ({@code bench/restore --bases 10000000 1000000}: 0.6 s for a
 * 500k-event tail, 0.7 s for the 1M-row base). So a base is due once the tail holds {@code percent}
 * events per 100 rows of the newest base (20: a restore within about 1.2x of one from a fresh base),
 * but never for fewer than {@code minEvents}: a small tenant's tail costs little, a fold costs a
 * round of reads and writes. A tenant without a base gets its first at {@code minEvents}.
 */
public record BaseTailPolicy(long percent, long minEvents) {

    public BaseTailPolicy {
        if (percent <= 0 || minEvents <= 0) {
            throw new IllegalArgumentException("base tail limits must be positive: percent=" + percent + ", minEvents=" + minEvents);
        }
    }

    /** @param newestBaseRows rows (live keys) in the tenant's newest base; 0 without one */
    boolean due(long tailEvents, long newestBaseRows) {
        return tailEvents >= Math.max(minEvents, newestBaseRows / 100 * percent + newestBaseRows % 100 * percent / 100);
    }
}
