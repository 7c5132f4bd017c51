package dev.strata.restore.expire;

/** Why a base is kept. */
public enum Tier {
    /** Inside the window: a point-in-time restore inside it may start from it. */
    WINDOW,
    /** The newest base at or before the window's start: every point of the window starts from it or later. */
    ANCHOR,
    DAILY,
    WEEKLY,
    MONTHLY
}
