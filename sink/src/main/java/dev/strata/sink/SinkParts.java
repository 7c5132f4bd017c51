package dev.strata.sink;

import dev.strata.schemas.crypto.BodySealer;
import dev.strata.sink.base.BaseScheduler;
import dev.strata.sink.erasure.ErasedTenants;
import dev.strata.sink.manifest.ManifestSealer;
import dev.strata.sink.ownership.PartitionOwnership;
import dev.strata.sink.residency.DeadLetterPublisher;
import dev.strata.sink.residency.ResidencyGuard;
import dev.strata.sink.segment.SegmentCatalog;
import dev.strata.sink.store.DualRegionUploader;
import dev.strata.sink.watermark.DurableMarkWriter;
import dev.strata.sink.watermark.WatermarkSource;
import dev.strata.sink.watermark.WatermarkPublisher;
import java.time.Clock;

/** The pieces the poll thread works with, built once by {@link SinkService} (or by a test). */
public record SinkParts(String regime, String topic, SinkTuning tuning, Clock clock, SinkMetrics metrics, ResidencyGuard guard,
                 ErasedTenants erased, DeadLetterPublisher deadLetters, DualRegionUploader uploader, ManifestSealer sealer, WatermarkPublisher watermarks,
                 DurableMarkWriter marks, SegmentCatalog catalog, BaseScheduler bases, PartitionOwnership ownership,
                 WatermarkSource published, BodySealer bodies) {

    /** zstd level 3: Avro's default for the codec, fast enough for 100k events/s on one core. */
    public static final int ZSTD_LEVEL = 3;
}
