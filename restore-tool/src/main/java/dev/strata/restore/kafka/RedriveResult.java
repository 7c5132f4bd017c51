package dev.strata.restore.kafka;

/**
 * What one redrive did; every examined record with the reason is re-injected, parked again, or, when
 * it holds a reference instead of the value ({@link ParkedReferences}), counted and left where it is.
 */
public record RedriveResult(long examined, long reinjected, long parkedAgain, long otherReasons, long byReference) {
}
