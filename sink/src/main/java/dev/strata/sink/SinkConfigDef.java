package dev.strata.sink;

import static dev.strata.sink.SinkConfig.*;

import dev.strata.schemas.config.ConfigReference;
import dev.strata.schemas.config.ConfigSpec;
import dev.strata.schemas.config.Validators;
import dev.strata.schemas.kafka.KafkaSizeLimits;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.regime.RegimeSettings;
import dev.strata.schemas.retention.RetentionKeys;
import java.io.IOException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * What each sink key means, its type, default and range: the one source of the key table in
 * sink/README.md. {@code main} prints the table, or with the README's path rewrites it there;
 * SinkConfigDefTest fails when the committed table differs. The region keys
 * {@code strata.regime.<r>.<primary|backup>.*} are read by {@link RegimeSettings}; only their
 * setting names are checked here.
 */
public final class SinkConfigDef {
    /** The block of sink/README.md between {@code <!-- BEGIN sink keys -->} and {@code <!-- END sink keys -->}. */
    public static final String README_BLOCK = "sink keys";

    public static final ConfigSpec SPEC = RetentionKeys.define(ConfigSpec.builder("sink config", "sink/README.md (Configuration)")
            .group("Kafka")
            .required(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, Type.STRING, null, "The Kafka brokers.", "kafka:9092")
            .optional(ConsumerConfig.GROUP_ID_CONFIG, Type.STRING, null, null,
                    "Consumer group of the routed-topic consumer (`consumer.group.id` wins); one group per regime.",
                    "`" + GROUP_ID_DEFAULT_PREFIX + "<regime>`")
            .group("Regime")
            .required(REGIME, Type.STRING, Validators.regimeNames(),
                    "The regime this sink serves: it reads `strata.routed.<regime>` and writes that regime's two regions, set by"
                            + " `strata.regime.<regime>.<primary|backup>.endpoint`, `.bucket`, `.region` and `.credentials.file`"
                            + " (the regime's WRITER keys). Other regimes may be named (endpoint, bucket, region) so that a shared"
                            + " bucket is refused, never with their keys. Bodies are sealed with the tenants' data keys, kept in each"
                            + " region's key store bucket `.keys.bucket` (default: the region's bucket plus `-keys`) and wrapped by the"
                            + " regime's key-encryption key, read from the file `strata.regime.<regime>.kek.file` (required).",
                    "eu")
            .optional(DATA_KEY_ROTATION, Type.STRING, DATA_KEY_ROTATION_DEFAULT, null,
                    "How often a tenant gets a new data key: `monthly`, `weekly` or `daily` (UTC, by a body's first commit or a"
                            + " base's cut).")
            .group("Segments")
            .optional(FLUSH_INTERVAL_MS, Type.LONG, FLUSH_INTERVAL_MS_DEFAULT, Validators.atLeast(1),
                    "Age at which an open segment is closed: the RPO knob.")
            .optional(SEGMENT_MAX_BYTES, Type.LONG, SEGMENT_MAX_BYTES_DEFAULT, Validators.atLeast(1),
                    "Compressed size at which a segment is closed (it may exceed it by one Avro block).")
            .optional(SEGMENT_MAX_RECORDS, Type.LONG, SEGMENT_MAX_RECORDS_DEFAULT, Validators.atLeast(1),
                    "Events at which a segment is closed.")
            .group("Uploads")
            .optional(UPLOAD_CONCURRENCY, Type.INT, UPLOAD_CONCURRENCY_DEFAULT, Validators.atLeast(1), "Uploads in flight per region.")
            .optional(UPLOAD_MAX_PENDING_BYTES, Type.LONG, UPLOAD_MAX_PENDING_BYTES_DEFAULT, Validators.atLeast(1),
                    "Closed segments held in memory until both regions have them; above it consumption pauses.")
            .optional(RETRY_INITIAL_BACKOFF_MS, Type.LONG, RETRY_INITIAL_BACKOFF_MS_DEFAULT, Validators.atLeast(1),
                    "First wait before an upload is retried; uploads retry until they succeed or the sink stops. The wait doubles"
                            + " per attempt up to the max and is drawn between half of it and all of it (jitter), so both regions"
                            + " and every sink of a regime do not retry in step.")
            .optional(RETRY_MAX_BACKOFF_MS, Type.LONG, RETRY_MAX_BACKOFF_MS_DEFAULT, Validators.atLeast(1),
                    "Longest wait between retries; not below `" + RETRY_INITIAL_BACKOFF_MS + "`.")
            .group("Manifests and recovery")
            .optional(MANIFEST_GRACE_MS, Type.LONG, MANIFEST_GRACE_MS_DEFAULT, Validators.atLeast(1),
                    "An hour is sealed this long after it ends, so that late segments of the hour are still in it.")
            .optional(MANIFEST_CHECK_INTERVAL_MS, Type.LONG, MANIFEST_CHECK_INTERVAL_MS_DEFAULT, Validators.atLeast(1),
                    "How often the sink looks for hours to seal.")
            .optional(RECOVERY_LOOKBACK_MS, Type.LONG, RECOVERY_LOOKBACK_MS_DEFAULT, Validators.atLeast(1),
                    "How far before a re-read record's commit time recovery lists for segments an earlier run wrote (see Recovery).")
            .optional(REVOCATION_TIMEOUT_MS, Type.LONG, REVOCATION_TIMEOUT_MS_DEFAULT, Validators.atLeast(1),
                    "Idle time a revoked partition (or shutdown) waits for its last segments to reach both regions; at shutdown,"
                            + " then also how long objects already being stored (a manifest, base objects) get to reach both regions"
                            + " (see Stopping).")
            .group("Durable point")
            .optional(DURABLE_MARK_INTERVAL_MS, Type.LONG, DURABLE_MARK_INTERVAL_MS_DEFAULT, Validators.atLeast(1),
                    "Least time between two durable marks of a tenant (`strata/v1/tenants/<t>/durable/...mark`, in both regions,"
                            + " written after the offset commit): the proof a restore bounds `latest` and `--until` by. A restore"
                            + " to latest may lag the watermark by this much. At 5 s a busy tenant costs at most 17,280 PUTs per day"
                            + " and region, a fifth of what 1 s segments cost;"
                            + " an idle tenant as much, since capture's heartbeats advance its point too.")
            .group("Bases")
            .optional(BASE_MIN_EVENTS, Type.LONG, BASE_MIN_EVENTS_DEFAULT, Validators.atLeast(1),
                    "A tenant gets a new base once this many events are durable after its last base...")
            .optional(BASE_MIN_BYTES, Type.LONG, BASE_MIN_BYTES_DEFAULT, Validators.atLeast(1), "...or this many segment bytes...")
            .optional(BASE_MAX_AGE_MS, Type.LONG, BASE_MAX_AGE_MS_DEFAULT, Validators.atLeast(1),
                    "...or when its last base is this old and changes came after it...")
            .optional(BASE_TAIL_PERCENT, Type.LONG, BASE_TAIL_PERCENT_DEFAULT, Validators.atLeast(1),
                    "...or when the log since its last base holds this many events per 100 rows of that base: a restore reads the"
                            + " base plus that tail, so this keeps restore time near that of a fresh base (20: about 1.2x,"
                            + " `bench/restore --bases`)...")
            .optional(BASE_TAIL_MIN_EVENTS, Type.LONG, BASE_TAIL_MIN_EVENTS_DEFAULT, Validators.atLeast(1),
                    "...but never for a shorter tail; a tenant without a base gets its first at this many events.")
            .optional(BASE_CHECK_INTERVAL_MS, Type.LONG, BASE_CHECK_INTERVAL_MS_DEFAULT, Validators.atLeast(1),
                    "How often the base thread looks at the thresholds (a fold in progress delays the next look).")
            .optional(BASE_MAX_SEGMENT_SPAN_MS, Type.LONG, BASE_MAX_SEGMENT_SPAN_MS_DEFAULT,
                    Validators.atLeast(BackupLayout.MAX_SEGMENT_COMMIT_SPAN.toMillis(), "the longest commit span of a segment is"
                            + " that long, and a base would miss a segment straddling the last cut; raise it"),
                    "How far before the last cut a fold lists the log: the longest commit span of one segment. Never below the"
                            + " layout's bound, which this sink keeps (rotation reason `SPAN`); raise it only for segments an"
                            + " older sink wrote without that bound.")
            .optional(BASE_MEMORY_BYTES, Type.LONG, BASE_MEMORY_BYTES_DEFAULT, Validators.atLeast(1),
                    "What the fold of one tenant may hold in memory before it spills to disk.")
            .optional(BASE_SPILL_DIR, Type.STRING, null, null,
                    "Fold spill files, table objects before upload and previous-base tables read back (deleted after).",
                    "`java.io.tmpdir`"))
            .group("Topics")
            .optional(TOPIC_PARTITIONS, Type.INT, TOPIC_PARTITIONS_DEFAULT, Validators.atLeast(1),
                    "Partitions of `strata.dlq` and `strata.watermarks` when the sink creates them; the same key as capture's and"
                            + " the router's.")
            .optional(TOPIC_REPLICATION, Type.INT, (int) TOPIC_REPLICATION_DEFAULT, Validators.between(1, Short.MAX_VALUE),
                    "Replication factor of the topics the sink creates.")
            .optional(MAX_EVENT_BYTES, Type.INT, MAX_EVENT_BYTES_DEFAULT, KafkaSizeLimits.RANGE, KafkaSizeLimits.DOC
                    + " The sink's consumer and producer and `strata.dlq` when it creates it take it.")
            .group("Operations")
            .optional(METRICS_PORT, Type.INT, METRICS_PORT_DEFAULT, Validators.port(),
                    "Port of the Prometheus scrape endpoint `/metrics`; 0 turns it off.")
            .optional(BENCH_UNSEALED_BODIES, Type.BOOLEAN, false, null,
                    "BENCHMARK ONLY: store segment and base bodies unsealed, to measure what sealing costs (`bench/sink`)."
                            + " Never in production: erasing a tenant would not reach them.")
            .optional(TEST_ALLOW_UNLOCKED_BUCKETS, Type.BOOLEAN, false, null,
                    "TEST ONLY: accept buckets without Object Lock. Never set in production: nothing would stop a delete.")
            .regimeSettings(RegimeSettings.SETTINGS)
            .build();

    private SinkConfigDef() {
    }

    /** Prints the key table of sink/README.md; {@code SinkConfigDef sink/README.md} rewrites it in place. */
    public static void main(String[] args) throws IOException {
        ConfigReference.printOrWrite(args, README_BLOCK, ConfigReference.markdown(SPEC));
    }
}
