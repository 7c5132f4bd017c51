package dev.strata.schemas.retention;

import java.time.Duration;
import java.util.Objects;

/**
 * What a tenant's backup keeps: every second of the last {@code window} (point-in-time restore), and
 * beyond it the newest base of each of the last {@code daily} days, {@code weekly} ISO weeks and
 * {@code monthly} months that have one.
 */
public record RetentionPolicy(Duration window, int daily, int weekly, int monthly) {
    /** The longest a month is: a base kept as a monthly point is kept this long per month counted. */
    static final Duration MONTH = Duration.ofDays(31);
    static final Duration WEEK = Duration.ofDays(7);
    static final Duration DAY = Duration.ofDays(1);

    public RetentionPolicy {
        Objects.requireNonNull(window, "window");
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("retention window " + window + " must be positive");
        }
        if (daily < 0 || weekly < 0 || monthly < 0) {
            throw new IllegalArgumentException("kept bases (daily " + daily + ", weekly " + weekly + ", monthly " + monthly
                    + ") cannot be negative; 0 keeps none of that tier");
        }
    }

    /** How long beyond the window a base may still serve as a kept point: its longest tier. */
    public Duration longestTier() {
        Duration longest = DAY.multipliedBy(daily);
        longest = max(longest, WEEK.multipliedBy(weekly));
        return max(longest, MONTH.multipliedBy(monthly));
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    @Override
    public String toString() {
        return "window " + window + ", daily " + daily + ", weekly " + weekly + ", monthly " + monthly;
    }
}
