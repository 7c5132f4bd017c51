package dev.strata.sink;

import dev.strata.schemas.config.ParsedConfig;
import dev.strata.schemas.kafka.KafkaSizeLimits;
import dev.strata.schemas.regime.RegionSettings;
import dev.strata.schemas.retention.RetentionKeys;
import dev.strata.schemas.retention.RetentionPolicies;
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
import dev.strata.schemas.crypto.KeyRotation;
import dev.strata.schemas.keystore.KeyStores;
import dev.strata.schemas.regime.RegimeSettings;

/**
 * The sink's configuration: one properties file per regime's sink (Kafka style). Keys starting
 * with {@code strata.} are the sink's own, with their defaults beside them; what each means, its
 * type and range are in {@link SinkConfigDef}. Every other key goes to the Kafka clients
 * ({@code consumer.} and {@code producer.} prefixed keys to one of them only).
 *
 * <p>A sink serves exactly one regime and holds only that regime's writer credentials: other
 * regimes may be named (their endpoint and bucket, so that a shared bucket is caught) but a
 * credentials file for another regime is refused.
 */
public final class SinkConfig {
    public static final String REGIME = "strata.regime";
    // the region settings, strata.regime.<r>.<primary|backup>.<setting>, are read by RegimeSettings

    public static final String FLUSH_INTERVAL_MS = "strata.flush.interval.ms";
    public static final long FLUSH_INTERVAL_MS_DEFAULT = 1_000;
    public static final String SEGMENT_MAX_BYTES = "strata.segment.max.bytes";
    public static final long SEGMENT_MAX_BYTES_DEFAULT = 8L * 1024 * 1024;
    public static final String SEGMENT_MAX_RECORDS = "strata.segment.max.records";
    public static final long SEGMENT_MAX_RECORDS_DEFAULT = 100_000;
    public static final String UPLOAD_CONCURRENCY = "strata.upload.concurrency";
    public static final int UPLOAD_CONCURRENCY_DEFAULT = 4;
    public static final String UPLOAD_MAX_PENDING_BYTES = "strata.upload.max.pending.bytes";
    public static final long UPLOAD_MAX_PENDING_BYTES_DEFAULT = 256L * 1024 * 1024;
    public static final String RETRY_INITIAL_BACKOFF_MS = "strata.upload.retry.initial.backoff.ms";
    public static final long RETRY_INITIAL_BACKOFF_MS_DEFAULT = 100;
    public static final String RETRY_MAX_BACKOFF_MS = "strata.upload.retry.max.backoff.ms";
    public static final long RETRY_MAX_BACKOFF_MS_DEFAULT = 5_000;
    public static final String MANIFEST_GRACE_MS = "strata.manifest.grace.ms";
    public static final long MANIFEST_GRACE_MS_DEFAULT = 10 * 60_000;
    public static final String MANIFEST_CHECK_INTERVAL_MS = "strata.manifest.check.interval.ms";
    public static final long MANIFEST_CHECK_INTERVAL_MS_DEFAULT = 60_000;
    public static final String RECOVERY_LOOKBACK_MS = "strata.recovery.lookback.ms";
    public static final long RECOVERY_LOOKBACK_MS_DEFAULT = 60 * 60_000;
    public static final String REVOCATION_TIMEOUT_MS = "strata.revocation.timeout.ms";
    public static final long REVOCATION_TIMEOUT_MS_DEFAULT = 30_000;
    /** See DurableMarkWriter: 17,280 marks per busy tenant per day and region at most, a fifth of 1 s segments' PUTs. */
    public static final String DURABLE_MARK_INTERVAL_MS = "strata.durable.mark.interval.ms";
    public static final long DURABLE_MARK_INTERVAL_MS_DEFAULT = 5_000;
    public static final String METRICS_PORT = "strata.metrics.port";
    public static final int METRICS_PORT_DEFAULT = 0;
    public static final String BASE_MIN_EVENTS = "strata.base.min.events";
    public static final long BASE_MIN_EVENTS_DEFAULT = 5_000_000;
    public static final String BASE_MIN_BYTES = "strata.base.min.bytes";
    public static final long BASE_MIN_BYTES_DEFAULT = 1024L * 1024 * 1024;
    public static final String BASE_MAX_AGE_MS = "strata.base.max.age.ms";
    public static final long BASE_MAX_AGE_MS_DEFAULT = 24 * 3_600_000L;
    /** See BaseTailPolicy. */
    public static final String BASE_TAIL_PERCENT = "strata.base.tail.percent";
    public static final long BASE_TAIL_PERCENT_DEFAULT = 20;
    public static final String BASE_TAIL_MIN_EVENTS = "strata.base.tail.min.events";
    public static final long BASE_TAIL_MIN_EVENTS_DEFAULT = 100_000;
    public static final String BASE_CHECK_INTERVAL_MS = "strata.base.check.interval.ms";
    public static final long BASE_CHECK_INTERVAL_MS_DEFAULT = 5 * 60_000L;
    /** Never below the layout's bound: a fold lists the log this far before the last cut. */
    public static final String BASE_MAX_SEGMENT_SPAN_MS = "strata.base.max.segment.span.ms";
    public static final long BASE_MAX_SEGMENT_SPAN_MS_DEFAULT = BackupLayout.MAX_SEGMENT_COMMIT_SPAN.toMillis();
    public static final String BASE_MEMORY_BYTES = "strata.base.memory.bytes";
    public static final long BASE_MEMORY_BYTES_DEFAULT = 256L * 1024 * 1024;
    /** Default java.io.tmpdir. */
    public static final String BASE_SPILL_DIR = "strata.base.spill.dir";
    public static final String TOPIC_PARTITIONS = "strata.topics.partitions";
    public static final int TOPIC_PARTITIONS_DEFAULT = 6;
    public static final String TOPIC_REPLICATION = "strata.topics.replication.factor";
    public static final short TOPIC_REPLICATION_DEFAULT = 3;
    public static final String MAX_EVENT_BYTES = KafkaSizeLimits.MAX_EVENT_BYTES;
    public static final int MAX_EVENT_BYTES_DEFAULT = KafkaSizeLimits.MAX_EVENT_BYTES_DEFAULT;
    /** How often a tenant gets a new data key (monthly, weekly, daily): see KeyRotation. */
    public static final String DATA_KEY_ROTATION = "strata.data.key.rotation";
    public static final String DATA_KEY_ROTATION_DEFAULT = "monthly";
    /** BENCHMARK ONLY: store bodies unsealed, to measure what sealing costs. Never in production: erasure would not reach them. */
    public static final String BENCH_UNSEALED_BODIES = "strata.bench.unsealed.bodies";
    /** TEST ONLY: accept buckets without Object Lock. Never set in production: nothing would stop a delete. */
    public static final String TEST_ALLOW_UNLOCKED_BUCKETS = "strata.test.allow.unlocked.buckets";

    public static final String GROUP_ID_DEFAULT_PREFIX = "strata-sink-";

    private final String regime;
    private final RegionSettings primary;
    private final RegionSettings backup;
    private final SinkTuning tuning;
    private final BaseSettings bases;
    private final BaseTailPolicy baseTail;
    private final Duration durableMarkInterval;
    private final int metricsPort;
    private final int topicPartitions;
    private final short topicReplication;
    private final boolean allowUnlockedBuckets;
    private final KafkaSizeLimits sizeLimits;
    private final KafkaSettings kafka;
    private final RetentionPolicies retention;
    private final KeyRotation keyRotation;
    private final boolean unsealedBodies;
    private final Properties source;

    private SinkConfig(ParsedConfig parsed) {
        this.regime = parsed.string(REGIME);
        Map<String, RegionSettings> regions = RegimeRegions.parse(parsed.source(), regime);
        this.primary = regions.get(RegionSettings.PRIMARY);
        this.backup = regions.get(RegionSettings.BACKUP);
        this.tuning = new SinkTuning(parsed.millis(FLUSH_INTERVAL_MS), parsed.longValue(SEGMENT_MAX_BYTES),
                parsed.longValue(SEGMENT_MAX_RECORDS), parsed.intValue(UPLOAD_CONCURRENCY), parsed.longValue(UPLOAD_MAX_PENDING_BYTES),
                parsed.millis(RETRY_INITIAL_BACKOFF_MS), parsed.millis(RETRY_MAX_BACKOFF_MS), parsed.millis(MANIFEST_GRACE_MS),
                parsed.millis(MANIFEST_CHECK_INTERVAL_MS), parsed.millis(RECOVERY_LOOKBACK_MS), parsed.millis(REVOCATION_TIMEOUT_MS));
        if (tuning.retryMaxBackoff().compareTo(tuning.retryInitialBackoff()) < 0) {
            throw invalid(RETRY_MAX_BACKOFF_MS + " (" + tuning.retryMaxBackoff().toMillis() + ") is below "
                    + RETRY_INITIAL_BACKOFF_MS + " (" + tuning.retryInitialBackoff().toMillis() + "): raise it");
        }
        this.baseTail = new BaseTailPolicy(parsed.longValue(BASE_TAIL_PERCENT), parsed.longValue(BASE_TAIL_MIN_EVENTS));
        String spillDir = parsed.string(BASE_SPILL_DIR);
        this.bases = new BaseSettings(parsed.longValue(BASE_MIN_EVENTS), parsed.longValue(BASE_MIN_BYTES),
                parsed.millis(BASE_MAX_AGE_MS), parsed.millis(BASE_CHECK_INTERVAL_MS), parsed.millis(BASE_MAX_SEGMENT_SPAN_MS),
                parsed.longValue(BASE_MEMORY_BYTES), Path.of(spillDir != null ? spillDir : System.getProperty("java.io.tmpdir")));
        this.durableMarkInterval = parsed.millis(DURABLE_MARK_INTERVAL_MS);
        this.metricsPort = parsed.intValue(METRICS_PORT);
        this.topicPartitions = parsed.intValue(TOPIC_PARTITIONS);
        this.topicReplication = (short) parsed.intValue(TOPIC_REPLICATION);
        this.allowUnlockedBuckets = parsed.bool(TEST_ALLOW_UNLOCKED_BUCKETS);
        this.sizeLimits = new KafkaSizeLimits(parsed.intValue(MAX_EVENT_BYTES));
        this.kafka = KafkaSettings.from(parsed.passThrough(), GROUP_ID_DEFAULT_PREFIX + regime, sizeLimits);
        this.retention = readRetention(parsed, regime, bases.maxAge());
        try {
            this.keyRotation = KeyRotation.parse(parsed.string(DATA_KEY_ROTATION), DATA_KEY_ROTATION);
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
        this.unsealedBodies = parsed.bool(BENCH_UNSEALED_BODIES);
        this.source = parsed.source();
        if (KeyStores.kekFile(source, regime).isEmpty()) {
            throw invalid(RegimeSettings.regimeKey(regime, RegimeSettings.KEK_FILE) + " is missing: set it to the file of regime "
                    + regime + "'s key-encryption key (base64 of 32 random bytes: head -c 32 /dev/urandom | base64 > kek), which"
                    + " wraps the data keys that seal every segment and base body");
        }
    }

    // A window shorter than the base interval would leave points inside the window without a base
    // older than the window's start, so every log object since the last base would be kept anyway.
    private static RetentionPolicies readRetention(ParsedConfig parsed, String regime, Duration baseMaxAge) {
        RetentionPolicies policies;
        try {
            policies = RetentionKeys.read(parsed);
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
        policies.shortestWindow(regime).filter(window -> window.compareTo(baseMaxAge) < 0).ifPresent(window -> {
            throw invalid("a retention window of " + window.toMillis() + " ms (" + RetentionKeys.WINDOW_MS + " or an override in "
                    + RetentionKeys.REGIMES + "/" + RetentionKeys.TENANTS + ") is shorter than the base interval " + BASE_MAX_AGE_MS
                    + "=" + baseMaxAge.toMillis() + ": lengthen the window or lower " + BASE_MAX_AGE_MS);
        });
        return policies;
    }

    /** Parses and validates; every refusal names the key and the fix. */
    public static SinkConfig from(Properties source) {
        Objects.requireNonNull(source, "source");
        return new SinkConfig(SinkConfigDef.SPEC.parse(source));
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

    /** How often, at most, a tenant's durable mark is written: its proof lags its watermark by up to this. */
    public Duration durableMarkInterval() {
        return durableMarkInterval;
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

    public KafkaSizeLimits sizeLimits() {
        return sizeLimits;
    }

    public KafkaSettings kafka() {
        return kafka;
    }

    /** The retention policies: each object is locked for as long as its tenant's may need it. */
    public RetentionPolicies retention() {
        return retention;
    }

    public KeyRotation keyRotation() {
        return keyRotation;
    }

    /** BENCHMARK ONLY: whether bodies are stored unsealed. */
    public boolean unsealedBodies() {
        return unsealedBodies;
    }

    /** The file as given: the key store settings are read from it ({@link KeyStores}). */
    public Properties source() {
        Properties copy = new Properties();
        copy.putAll(source);
        return copy;
    }

    /** Safe to log: endpoints, buckets and file paths only. */
    @Override
    public String toString() {
        return "SinkConfig[regime=" + regime + ", primary=" + primary.location().describe() + ", backup="
                + backup.location().describe() + ", " + tuning + ", " + bases + ", kafka=" + kafka + "]";
    }

    /** "sink config: {@code problem}", as every refusal of the sink's file starts. */
    public static IllegalArgumentException invalid(String problem) {
        return SinkConfigDef.SPEC.invalid(problem);
    }
}
