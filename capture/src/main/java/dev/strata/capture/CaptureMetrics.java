package dev.strata.capture;

import dev.strata.capture.pg.PgValueCodec;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Op;
import dev.strata.schemas.kafka.DeadLetterReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Capture's meters, all counted on Kafka's acknowledgement: {@code strata_capture_events_total{op}},
 * {@code strata_capture_events_per_second} (last 10 whole seconds),
 * {@code strata_capture_last_commit_seconds} (commit time of the newest delivered change),
 * {@code strata_capture_lag_seconds} (now minus the newest of that commit time and the last
 * heartbeat: an idle, healthy capture reads about 0, a stuck one grows),
 * {@code strata_capture_dead_letters_total{reason}}, {@code strata_capture_commit_to_ack_seconds} (per transaction
 * and tenant: its commit to the acknowledgement of its COMMIT event, the last of its events; once per transaction,
 * not per change, because a histogram per change cost the publishing thread measurably),
 * {@code strata_capture_checkpoints_total} (tenant CHECKPOINT events delivered: one per tenant per checkpoint),
 * {@code strata_capture_durable_heartbeats_total} (heartbeat messages written to the source's WAL),
 * {@code strata_capture_heartbeat_events_total} (tenant HEARTBEAT events delivered: one per known tenant per
 * heartbeat; not changes, so not in the events counter, its rate, the last commit or commit-to-ack) and
 * {@code strata_capture_streaming} (1 once capture REALLY streams: its initial snapshot is in Kafka, its slot is
 * active and the publication covers every captured table; 0 before, see {@link StreamingWatch}) and
 * {@code strata_capture_incremental_snapshots_total{table,state}} (state started or completed: a table added to
 * the configuration whose existing rows are being, or have been, read into Kafka).
 */
final class CaptureMetrics implements DeliveryListener {
    /** The tag naming the database on every capture meter. */
    static final String SOURCE = "source";
    static final String EVENTS = "strata.capture.events";
    static final String EVENTS_PER_SECOND = "strata.capture.events.per.second";
    static final String LAST_COMMIT = "strata.capture.last.commit";
    static final String LAG = "strata.capture.lag";
    static final String DEAD_LETTERS = "strata.capture.dead.letters";
    static final String COMMIT_TO_ACK = "strata.capture.commit.to.ack";
    static final String CHECKPOINTS = "strata.capture.checkpoints";
    static final String STREAMING = "strata.capture.streaming";
    static final String DURABLE_HEARTBEATS = "strata.capture.durable.heartbeats";
    static final String HEARTBEAT_EVENTS = "strata.capture.heartbeat.events";
    static final String INCREMENTAL_SNAPSHOTS = "strata.capture.incremental.snapshots";
    private static final long NOTHING_YET = Long.MIN_VALUE;

    private final Clock clock;
    private final Map<Op, Counter> events = new EnumMap<>(Op.class);
    private final Map<DeadLetterReason, Counter> parked = new EnumMap<>(DeadLetterReason.class);
    private final RateWindow rate = new RateWindow(10);
    private final AtomicLong lastCommitMicros = new AtomicLong(NOTHING_YET);
    private final AtomicLong lastSeenMicros = new AtomicLong(NOTHING_YET);
    private final Timer commitToAck;
    private final Counter checkpoints;
    private final Counter heartbeatsEmitted;
    private final Counter heartbeatEvents;
    private final AtomicInteger streaming = new AtomicInteger();
    private final MeterRegistry registry;
    private final String source;

    /** @param source the captured database's logical name ({@link CaptureConfig#name()}): one process may capture several */
    CaptureMetrics(MeterRegistry registry, Clock clock, String source) {
        this.clock = clock;
        this.source = source;
        this.registry = registry;
        // registered up front so that a dashboard shows 0, not "no data", before the first event
        for (Op op : Op.values()) {
            if (op == Op.HEARTBEAT || op == Op.COMMIT) {
                continue; // a heartbeat is counted on its own, a transaction's COMMIT not at all: neither is a change
            }
            events.put(op, Counter.builder(EVENTS).description("changes acknowledged by Kafka")
                    .tag("op", op.name()).tag(SOURCE, source).register(registry));
        }
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            parked.put(reason, Counter.builder(DEAD_LETTERS).description("changes parked in strata.dlq")
                    .tag("reason", reason.name()).tag(SOURCE, source).register(registry));
        }
        Gauge.builder(EVENTS_PER_SECOND, rate, r -> r.perSecond(clock.millis()))
                .description("changes acknowledged per second, last 10 s").tag(SOURCE, source).register(registry);
        Gauge.builder(LAST_COMMIT, lastCommitMicros, v -> seconds(v.get())).baseUnit("seconds")
                .description("commit time of the newest delivered change, epoch seconds").tag(SOURCE, source).register(registry);
        Gauge.builder(LAG, lastSeenMicros, v -> v.get() == NOTHING_YET ? Double.NaN : seconds(nowMicros() - v.get()))
                .baseUnit("seconds").description("now minus the newest delivered commit or heartbeat").tag(SOURCE, source)
                .register(registry);
        commitToAck = Timer.builder(COMMIT_TO_ACK)
                .description("Postgres commit to Kafka acknowledgement of the whole transaction, per transaction and tenant")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(5)).tag(SOURCE, source).register(registry);
        checkpoints = Counter.builder(CHECKPOINTS).description("tenant checkpoints acknowledged by Kafka").tag(SOURCE, source)
                .register(registry);
        heartbeatsEmitted = Counter.builder(DURABLE_HEARTBEATS).description("heartbeat messages written to the source's WAL")
                .tag(SOURCE, source).register(registry);
        heartbeatEvents = Counter.builder(HEARTBEAT_EVENTS).description("tenant heartbeat events acknowledged by Kafka")
                .tag(SOURCE, source).register(registry);
        Gauge.builder(STREAMING, streaming, AtomicInteger::get)
                .description("1 once the initial snapshot is in Kafka, the slot is active and the publication covers every"
                        + " captured table; 0 before").tag(SOURCE, source).register(registry);
    }

    @Override
    public void published(ChangeEvent event, long ackedAtMicros) {
        if (event.getOp() == Op.HEARTBEAT) {
            heartbeatEvents.increment();
            lastSeenMicros.accumulateAndGet(event.getCommitTsMicros(), Math::max);
            return;
        }
        if (event.getOp() == Op.COMMIT) {
            // the end of a transaction whose changes were counted: it is whole in Kafka now
            commitToAck.record(Math.max(0, ackedAtMicros - event.getCommitTsMicros()), TimeUnit.MICROSECONDS);
            return;
        }
        events.get(event.getOp()).increment();
        rate.record(1, ackedAtMicros / 1000);
        lastCommitMicros.accumulateAndGet(event.getCommitTsMicros(), Math::max);
        lastSeenMicros.accumulateAndGet(event.getCommitTsMicros(), Math::max);
        if (event.getOp() == Op.CHECKPOINT) {
            checkpoints.increment();
        }
    }

    @Override
    public void parked(DeadLetterReason reason) {
        parked.get(reason).increment();
    }

    @Override
    public void heartbeat(long atMillis) {
        lastSeenMicros.accumulateAndGet(atMillis * 1000, Math::max);
    }

    /** A heartbeat message was written to the source's WAL (its events are counted when Kafka has them). */
    void heartbeatEmitted() {
        heartbeatsEmitted.increment();
    }

    /** Capture really streams ({@link StreamingWatch}); not the engine's first record after its snapshot. */
    void streamingConfirmed() {
        streaming.set(1);
    }

    @Override
    public void incrementalSnapshotStarted(String table) {
        incrementalSnapshots(table, "started").increment();
    }

    @Override
    public void incrementalSnapshotCompleted(String table, long rows) {
        incrementalSnapshots(table, "completed").increment();
    }

    private Counter incrementalSnapshots(String table, String state) {
        return Counter.builder(INCREMENTAL_SNAPSHOTS).description("incremental snapshots of added tables, per table and state")
                .tag("table", table).tag("state", state).tag(SOURCE, source).register(registry);
    }

    private long nowMicros() {
        return PgValueCodec.micros(clock.instant());
    }

    private static double seconds(long micros) {
        return micros == NOTHING_YET ? Double.NaN : micros / 1_000_000.0;
    }
}
