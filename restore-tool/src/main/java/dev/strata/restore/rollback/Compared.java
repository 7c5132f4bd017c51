package dev.strata.restore.rollback;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/** The difference computed from a staging: the rollback that applies it, its counts and samples per table, and its time. */
record Compared(TenantRollback rollback, List<TableDiff> diffs, Duration took) {

    /** Computes the difference of what {@code staging} holds, in {@code rollback}'s session (see {@link TenantRollback#diff}). */
    static Compared of(Function<StagingTarget, TenantRollback> rollbackOf, StagingTarget staging, Clock clock) throws SQLException {
        Instant start = clock.instant();
        TenantRollback rollback = rollbackOf.apply(staging);
        List<TableDiff> diffs = rollback.diff();
        return new Compared(rollback, diffs, Duration.between(start, clock.instant()));
    }

    boolean nothingToDo() {
        return diffs.stream().allMatch(TableDiff::empty);
    }

    /** Computed anew after more was staged: the time of both. */
    Compared after(Compared earlier) {
        return new Compared(rollback, diffs, took.plus(earlier.took));
    }
}
