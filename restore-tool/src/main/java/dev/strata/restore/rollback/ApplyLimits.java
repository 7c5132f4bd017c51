package dev.strata.restore.rollback;

/** How long the apply may wait for the tenant's row locks, and run any one statement (SET LOCAL lock_timeout, statement_timeout). */
public record ApplyLimits(int lockTimeoutSeconds, int statementTimeoutSeconds) {
}
