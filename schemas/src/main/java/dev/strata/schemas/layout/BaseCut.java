package dev.strata.schemas.layout;

/** Where a base was cut: every change committed at or before this point is folded into it. */
public record BaseCut(long cutCommitMicros, long cutLsn) implements Comparable<BaseCut> {

    public BaseCut {
        KeyTime.checkRange("cutCommitMicros", cutCommitMicros);
        if (cutLsn < 0) {
            throw new IllegalArgumentException("cutLsn " + cutLsn + " is negative; an LSN in a key must be 0 or more");
        }
    }

    @Override
    public int compareTo(BaseCut other) {
        int byTime = Long.compare(cutCommitMicros, other.cutCommitMicros);
        return byTime != 0 ? byTime : Long.compare(cutLsn, other.cutLsn);
    }
}
