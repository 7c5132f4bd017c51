package dev.strata.sink;

import java.time.Clock;

/** The pieces the poll thread works with, built once by {@link SinkService} (or by a test). */
record SinkParts(String regime, String topic, SinkTuning tuning, Clock clock, SinkMetrics metrics, ResidencyGuard guard,
                 DeadLetterPublisher deadLetters, DualRegionUploader uploader, ManifestSealer sealer, WatermarkPublisher watermarks,
                 SegmentCatalog catalog, BaseScheduler bases) {

    /** zstd level 3: Avro's default for the codec, fast enough for 100k events/s on one core. */
    static final int ZSTD_LEVEL = 3;
}
