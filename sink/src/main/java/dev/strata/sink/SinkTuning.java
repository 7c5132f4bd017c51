package dev.strata.sink;

import dev.strata.sink.segment.RotationPolicy;
import dev.strata.schemas.layout.BackupLayout;
import java.time.Duration;

/** The sink's numbers, validated by {@link SinkConfig}; also built directly by tests. */
public record SinkTuning(Duration flushInterval, long segmentMaxBytes, long segmentMaxRecords, int uploadConcurrency,
                         long uploadMaxPendingBytes, Duration retryInitialBackoff, Duration retryMaxBackoff,
                         Duration manifestGrace, Duration manifestCheckInterval, Duration recoveryLookback,
                         Duration revocationTimeout) {

    /** The defaults of {@link SinkConfig}. */
    public static SinkTuning defaults() {
        return new SinkTuning(Duration.ofMillis(SinkConfig.FLUSH_INTERVAL_MS_DEFAULT), SinkConfig.SEGMENT_MAX_BYTES_DEFAULT,
                SinkConfig.SEGMENT_MAX_RECORDS_DEFAULT, SinkConfig.UPLOAD_CONCURRENCY_DEFAULT,
                SinkConfig.UPLOAD_MAX_PENDING_BYTES_DEFAULT, Duration.ofMillis(SinkConfig.RETRY_INITIAL_BACKOFF_MS_DEFAULT),
                Duration.ofMillis(SinkConfig.RETRY_MAX_BACKOFF_MS_DEFAULT), Duration.ofMillis(SinkConfig.MANIFEST_GRACE_MS_DEFAULT),
                Duration.ofMillis(SinkConfig.MANIFEST_CHECK_INTERVAL_MS_DEFAULT),
                Duration.ofMillis(SinkConfig.RECOVERY_LOOKBACK_MS_DEFAULT), Duration.ofMillis(SinkConfig.REVOCATION_TIMEOUT_MS_DEFAULT));
    }

    public RotationPolicy rotationPolicy() {
        return new RotationPolicy(segmentMaxBytes, segmentMaxRecords, flushInterval, BackupLayout.MAX_SEGMENT_COMMIT_SPAN);
    }

    @Override
    public String toString() {
        return "flush.interval=" + flushInterval.toMillis() + "ms, segment.max.bytes=" + segmentMaxBytes
                + ", segment.max.records=" + segmentMaxRecords + ", upload.concurrency=" + uploadConcurrency
                + ", manifest.grace=" + manifestGrace.toSeconds() + "s";
    }
}
