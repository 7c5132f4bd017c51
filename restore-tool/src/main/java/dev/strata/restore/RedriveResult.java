package dev.strata.restore;

/** What one redrive did; every examined record with the reason is either re-injected or parked again. */
record RedriveResult(long examined, long reinjected, long parkedAgain, long otherReasons) {
}
