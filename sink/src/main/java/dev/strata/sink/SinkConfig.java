package dev.strata.sink;

import dev.strata.schemas.regime.RegionSettings;
import dev.strata.sink.base.BaseSettings;
import dev.strata.sink.base.BaseTailPolicy;
import dev.strata.sink.store.RegimeRegions;
import dev.strata.schemas.kafka.Topics;
import dev.strata.schemas.layout.BackupLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * The sink's configuration: one properties file per regime's sink (Kafka style). Keys starting
 * with {@code strata.} are the sink's own, with their defaults beside them; every other key goes to
 * the Kafka clients ({@code consumer.} and {@code producer.} prefixed keys to one of them only).
 *
 * <p>A sink serves exactly one regime and holds only that regime's writer credentials: other
 * regimes may be named (their endpoint and bucket, so that a shared bucket is caught) but a
 * credentials file for another regime is refused.
 */
public final class SinkConfig {
    /** The regime this sink serves, e.g. {@code eu}. Required. */
    public static final String REGIME = "strata.regime";
    // the region settings, strata.regime.<r>.<primary|backup>.<setting>, are read by RegimeSettings

    /** Age at which an open segment is closed: the RPO knob. */
    public static final String FLUSH_INTERVAL_MS = "strata.flush.interval.ms";
    public static final long FLUSH_INTERVAL_MS_DEFAULT = 1_000;
    /** Size (compressed bytes written so far) at which a segment is closed; exceeded by at most one Avro block. */
    public static final String SEGMENT_MAX_BYTES = "strata.segment.max.bytes";
    public static final long SEGMENT_MAX_BYTES_DEFAULT = 8L * 1024 * 1024;
    public static final String SEGMENT_MAX_RECORDS = "strata.segment.max.records";
    public static final long SEGMENT_MAX_RECORDS_DEFAULT = 100_000;
    /** Uploads in flight per region. */
    public static final String UPLOAD_CONCURRENCY = "strata.upload.concurrency";
    public static final int UPLOAD_CONCURRENCY_DEFAULT = 4;
    /** Closed segments held in memory until both regions have them; above this, consumption pauses. */
    public static final String UPLOAD_MAX_PENDING_BYTES = "strata.upload.max.pending.bytes";
    public static final long UPLOAD_MAX_PENDING_BYTES_DEFAULT = 256L * 1024 * 1024;
    public static final String RETRY_INITIAL_BACKOFF_MS = "strata.upload.retry.initial.backoff.ms";
    public static final long RETRY_INITIAL_BACKOFF_MS_DEFAULT = 100;
    public static final String RETRY_MAX_BACKOFF_MS = "strata.upload.retry.max.backoff.ms";
    public static final long RETRY_MAX_BACKOFF_MS_DEFAULT = 5_000;
    /** An hour is sealed this long after it ends, so that late segments of the hour are still in it. */
    public static final String MANIFEST_GRACE_MS = "strata.manifest.grace.ms";
    public static final long MANIFEST_GRACE_MS_DEFAULT = 10 * 60_000;
    public static final String MANIFEST_CHECK_INTERVAL_MS = "strata.manifest.check.interval.ms";
    public static final long MANIFEST_CHECK_INTERVAL_MS_DEFAULT = 60_000;
    /** How far before a re-read record's commit time recovery lists for segments an earlier run wrote. */
    public static final String RECOVERY_LOOKBACK_MS = "strata.recovery.lookback.ms";
    public static final long RECOVERY_LOOKBACK_MS_DEFAULT = 60 * 60_000;
    /** How long a revoked partition may wait for its last segments to reach both regions. */
    public static final String REVOCATION_TIMEOUT_MS = "strata.revocation.timeout.ms";
    public static final long REVOCATION_TIMEOUT_MS_DEFAULT = 30_000;
    /** Port of the Prometheus scrape endpoint; 0 turns it off. */
    public static final String METRICS_PORT = "strata.metrics.port";
    public static final int METRICS_PORT_DEFAULT = 0;
    /** A base is made once this many events are durable after the tenant's last base... */
    public static final String BASE_MIN_EVENTS = "strata.base.min.events";
    public static final long BASE_MIN_EVENTS_DEFAULT = 5_000_000;
    /** ...or this many segment bytes... */
    public static final String BASE_MIN_BYTES = "strata.base.min.bytes";
    public static final long BASE_MIN_BYTES_DEFAULT = 1024L * 1024 * 1024;
    /** ...or when the last base is this old and changes came after it. */
    public static final String BASE_MAX_AGE_MS = "strata.base.max.age.ms";
    public static final long BASE_MAX_AGE_MS_DEFAULT = 24 * 3_600_000L;
    /** ...or when the log since the last base holds this many events per 100 rows of that base (see BaseTailPolicy)... */
    public static final String BASE_TAIL_PERCENT = "strata.base.tail.percent";
    public static final long BASE_TAIL_PERCENT_DEFAULT = 20;
    /** ...but never for a tail shorter than this; also when a tenant's first base is made. */
    public static final String BASE_TAIL_MIN_EVENTS = "strata.base.tail.min.events";
    public static final long BASE_TAIL_MIN_EVENTS_DEFAULT = 100_000;
    /** How often the base thread looks at the thresholds (a fold in progress delays the next look). */
    public static final String BASE_CHECK_INTERVAL_MS = "strata.base.check.interval.ms";
    public static final long BASE_CHECK_INTERVAL_MS_DEFAULT = 5 * 60_000L;
    /**
     * How far before the last cut a fold lists the log: the longest commit span of one segment. Never
     * below the layout's bound, which this sink keeps (rotation reason SPAN); raise it only for
     * segments an older sink wrote without that bound.
     */
    public static final String BASE_MAX_SEGMENT_SPAN_MS = "strata.base.max.segment.span.ms";
    public static final long BASE_MAX_SEGMENT_SPAN_MS_DEFAULT = BackupLayout.MAX_SEGMENT_COMMIT_SPAN.toMillis();
    /** Memory the fold of one tenant may hold before spilling to disk. */
    public static final String BASE_MEMORY_BYTES = "strata.base.memory.bytes";
    public static final long BASE_MEMORY_BYTES_DEFAULT = 256L * 1024 * 1024;
    /** Where the fold spills and the table objects are written before upload; default java.io.tmpdir. */
    public static final String BASE_SPILL_DIR = "strata.base.spill.dir";

    /** Partitions and replication of the topics the sink creates when missing (dead letters, watermarks). */
    public static final String TOPIC_PARTITIONS = "strata.topics.partitions";
    public static final int TOPIC_PARTITIONS_DEFAULT = 6;
    public static final String TOPIC_REPLICATION = "strata.topics.replication.factor";
    public static final short TOPIC_REPLICATION_DEFAULT = 3;
    /** TEST ONLY: accept buckets without Object Lock. Never set in production: nothing would stop a delete. */
    public static final String TEST_ALLOW_UNLOCKED_BUCKETS = "strata.test.allow.unlocked.buckets";

    public static final String GROUP_ID_DEFAULT_PREFIX = "strata-sink-";

    private final String regime;
    private final RegionSettings primary;
    private final RegionSettings backup;
    private final SinkTuning tuning;
    private final BaseSettings bases;
    private final BaseTailPolicy baseTail;
    private final int metricsPort;
    private final int topicPartitions;
    private final short topicReplication;
    private final boolean allowUnlockedBuckets;
    private final KafkaSettings kafka;

    private SinkConfig(Properties source) {
        this.regime = Topics.requireRegimeName(required(source, REGIME, "the regime this sink serves, e.g. " + REGIME + "=eu"));
        Map<String, RegionSettings> regions = RegimeRegions.parse(source, regime);
        this.primary = regions.get(RegionSettings.PRIMARY);
        this.backup = regions.get(RegionSettings.BACKUP);
        this.tuning = new SinkTuning(
                positiveDuration(source, FLUSH_INTERVAL_MS, FLUSH_INTERVAL_MS_DEFAULT),
                positiveLong(source, SEGMENT_MAX_BYTES, SEGMENT_MAX_BYTES_DEFAULT),
                positiveLong(source, SEGMENT_MAX_RECORDS, SEGMENT_MAX_RECORDS_DEFAULT),
                (int) positiveLong(source, UPLOAD_CONCURRENCY, UPLOAD_CONCURRENCY_DEFAULT),
                positiveLong(source, UPLOAD_MAX_PENDING_BYTES, UPLOAD_MAX_PENDING_BYTES_DEFAULT),
                positiveDuration(source, RETRY_INITIAL_BACKOFF_MS, RETRY_INITIAL_BACKOFF_MS_DEFAULT),
                positiveDuration(source, RETRY_MAX_BACKOFF_MS, RETRY_MAX_BACKOFF_MS_DEFAULT),
                positiveDuration(source, MANIFEST_GRACE_MS, MANIFEST_GRACE_MS_DEFAULT),
                positiveDuration(source, MANIFEST_CHECK_INTERVAL_MS, MANIFEST_CHECK_INTERVAL_MS_DEFAULT),
                positiveDuration(source, RECOVERY_LOOKBACK_MS, RECOVERY_LOOKBACK_MS_DEFAULT),
                positiveDuration(source, REVOCATION_TIMEOUT_MS, REVOCATION_TIMEOUT_MS_DEFAULT));
        if (tuning.retryMaxBackoff().compareTo(tuning.retryInitialBackoff()) < 0) {
            throw invalid(RETRY_MAX_BACKOFF_MS + " (" + tuning.retryMaxBackoff().toMillis() + ") is below "
                    + RETRY_INITIAL_BACKOFF_MS + " (" + tuning.retryInitialBackoff().toMillis() + "): raise it");
        }
        this.baseTail = new BaseTailPolicy(positiveLong(source, BASE_TAIL_PERCENT, BASE_TAIL_PERCENT_DEFAULT),
                positiveLong(source, BASE_TAIL_MIN_EVENTS, BASE_TAIL_MIN_EVENTS_DEFAULT));
        this.bases = new BaseSettings(positiveLong(source, BASE_MIN_EVENTS, BASE_MIN_EVENTS_DEFAULT),
                positiveLong(source, BASE_MIN_BYTES, BASE_MIN_BYTES_DEFAULT),
                positiveDuration(source, BASE_MAX_AGE_MS, BASE_MAX_AGE_MS_DEFAULT),
                positiveDuration(source, BASE_CHECK_INTERVAL_MS, BASE_CHECK_INTERVAL_MS_DEFAULT),
                positiveDuration(source, BASE_MAX_SEGMENT_SPAN_MS, BASE_MAX_SEGMENT_SPAN_MS_DEFAULT),
                positiveLong(source, BASE_MEMORY_BYTES, BASE_MEMORY_BYTES_DEFAULT),
                Path.of(source.getProperty(BASE_SPILL_DIR, System.getProperty("java.io.tmpdir")).trim()));
        if (bases.maxSegmentSpan().compareTo(BackupLayout.MAX_SEGMENT_COMMIT_SPAN) < 0) {
            throw invalid(BASE_MAX_SEGMENT_SPAN_MS + " (" + bases.maxSegmentSpan().toMillis() + ") is below the longest segment span "
                    + BackupLayout.MAX_SEGMENT_COMMIT_SPAN.toMillis() + " ms: a base would miss a segment straddling the last cut; raise it");
        }
        this.metricsPort = (int) nonNegativeLong(source, METRICS_PORT, METRICS_PORT_DEFAULT);
        this.topicPartitions = (int) positiveLong(source, TOPIC_PARTITIONS, TOPIC_PARTITIONS_DEFAULT);
        this.topicReplication = (short) positiveLong(source, TOPIC_REPLICATION, TOPIC_REPLICATION_DEFAULT);
        this.allowUnlockedBuckets = Boolean.parseBoolean(source.getProperty(TEST_ALLOW_UNLOCKED_BUCKETS, "false").trim());
        this.kafka = KafkaSettings.from(source, GROUP_ID_DEFAULT_PREFIX + regime);
    }

    /** Parses and validates; every refusal names the key and the fix. */
    public static SinkConfig from(Properties source) {
        Objects.requireNonNull(source, "source");
        return new SinkConfig(source);
    }

    public String regime() {
        return regime;
    }

    /** {@code strata.routed.<regime>}. */
    public String routedTopic() {
        return Topics.routed(regime);
    }

    public RegionSettings primary() {
        return primary;
    }

    public RegionSettings backup() {
        return backup;
    }

    public SinkTuning tuning() {
        return tuning;
    }

    BaseSettings bases() {
        return bases;
    }

    BaseTailPolicy baseTail() {
        return baseTail;
    }

    public int metricsPort() {
        return metricsPort;
    }

    public int topicPartitions() {
        return topicPartitions;
    }

    public short topicReplication() {
        return topicReplication;
    }

    public boolean allowUnlockedBuckets() {
        return allowUnlockedBuckets;
    }

    public KafkaSettings kafka() {
        return kafka;
    }

    /** Safe to log: endpoints, buckets and file paths only. */
    @Override
    public String toString() {
        return "SinkConfig[regime=" + regime + ", primary=" + primary.location().describe() + ", backup="
                + backup.location().describe() + ", " + tuning + ", " + bases + ", kafka=" + kafka + "]";
    }

    public static String required(Properties source, String key, String what) {
        String value = source.getProperty(key);
        if (value == null || value.isBlank()) {
            throw invalid(key + " is missing: set it to " + what);
        }
        return value.trim();
    }

    public static IllegalArgumentException invalid(String problem) {
        return new IllegalArgumentException("sink config: " + problem);
    }

    private static Duration positiveDuration(Properties source, String key, long defaultMillis) {
        return Duration.ofMillis(positiveLong(source, key, defaultMillis));
    }

    private static long positiveLong(Properties source, String key, long defaultValue) {
        long value = longValue(source, key, defaultValue);
        if (value <= 0) {
            throw invalid(key + "=" + value + " must be positive (default " + defaultValue + ")");
        }
        return value;
    }

    private static long nonNegativeLong(Properties source, String key, long defaultValue) {
        long value = longValue(source, key, defaultValue);
        if (value < 0) {
            throw invalid(key + "=" + value + " must not be negative (default " + defaultValue + ")");
        }
        return value;
    }

    private static long longValue(Properties source, String key, long defaultValue) {
        String value = source.getProperty(key);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw invalid(key + "=" + value + " is not a whole number (default " + defaultValue + ")");
        }
    }
}
