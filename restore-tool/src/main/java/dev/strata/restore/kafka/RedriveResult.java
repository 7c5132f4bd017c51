package dev.strata.restore.kafka;

/** What one redrive did; every examined record with the reason is either re-injected or parked again. */
public record RedriveResult(long examined, long reinjected, long parkedAgain, long otherReasons) {
}
