package dev.strata.capture.heartbeat;

import dev.strata.capture.CaptureConfig;
import dev.strata.schemas.kafka.CompactedTopic;
import dev.strata.schemas.kafka.MissingTopicException;
import dev.strata.schemas.kafka.Topics;
import dev.strata.schemas.ops.StopSignal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a {@link HeartbeatMessage} into the source's WAL every interval, and re-reads the
 * placement directory for {@link KnownTenants} beside it, each on a thread of its own (a slow
 * Kafka never delays a heartbeat). Heartbeats are written only while capture streams: during an
 * initial snapshot they would only pile up in the WAL and arrive together after it. A failed
 * heartbeat is logged once per run of failures and the next one is tried on time: the durable
 * point of idle tenants then stands still, and its age shows the gap.
 */
public final class HeartbeatSchedule implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatSchedule.class);
    /** How often placements are re-read: a tenant placed now gets heartbeats within this (sooner once it changes). */
    static final Duration PLACEMENT_REFRESH = Duration.ofSeconds(30);
    private static final Duration PLACEMENT_READ_TIMEOUT = Duration.ofSeconds(20);

    private final ScheduledExecutorService timer;
    private final String url;
    private final Properties credentials;
    private final BooleanSupplier streaming;
    private final Runnable emitted;
    private final StopSignal stop = new StopSignal();
    /** Only the heartbeat thread touches these. */
    private Connection connection;
    private boolean failing;
    private boolean placementsFailing;

    private HeartbeatSchedule(ScheduledExecutorService timer, CaptureConfig config, BooleanSupplier streaming, Runnable emitted) {
        this.timer = timer;
        this.url = config.jdbcUrl();
        this.credentials = new Properties();
        credentials.setProperty("user", config.databaseUser());
        credentials.setProperty("password", config.databasePassword());
        credentials.setProperty("ApplicationName", "strata-capture heartbeat");
        this.streaming = streaming;
        this.emitted = emitted;
    }

    /**
     * @param streaming whether capture streams now (heartbeats wait until it does)
     * @param emitted told after each heartbeat written to the WAL
     * @return null when the interval is zero (heartbeats are off)
     */
    public static HeartbeatSchedule start(CaptureConfig config, KnownTenants tenants, BooleanSupplier streaming, Runnable emitted) {
        Duration interval = Duration.ofMillis(config.durableHeartbeatIntervalMs());
        if (interval.isZero()) {
            return null;
        }
        ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, r -> {
            Thread thread = new Thread(r, "capture-heartbeats-" + config.name());
            thread.setDaemon(true);
            return thread;
        });
        HeartbeatSchedule schedule = new HeartbeatSchedule(timer, config, streaming, emitted);
        timer.scheduleWithFixedDelay(() -> schedule.readPlacements(config, tenants), 0, PLACEMENT_REFRESH.toMillis(),
                TimeUnit.MILLISECONDS);
        timer.scheduleAtFixedRate(schedule::beat, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return schedule;
    }

    private void beat() {
        if (!streaming.getAsBoolean()) {
            return;
        }
        try {
            if (connection == null) {
                connection = DriverManager.getConnection(url, credentials);
            }
            try (Statement emit = connection.createStatement()) {
                emit.execute(HeartbeatMessage.EMIT_SQL);
            }
            emitted.run();
            if (failing) {
                failing = false;
                LOG.info("heartbeats are written again");
            }
        } catch (SQLException | RuntimeException e) {
            closeConnection();
            if (!failing) {
                failing = true;
                LOG.warn("heartbeat failed: {} (check that the capture role may execute pg_logical_emit_message); idle tenants'"
                        + " durable point stands still until one succeeds, retried every interval", e.getMessage());
            }
        }
    }

    private void readPlacements(CaptureConfig config, KnownTenants tenants) {
        try {
            tenants.placed(CompactedTopic.read(config.kafkaClient(), Topics.TENANTS, PLACEMENT_READ_TIMEOUT, stop).keySet());
            placementsFailing = false;
        } catch (MissingTopicException e) {
            tenants.placed(List.of()); // nothing placed yet: the router or `tenants put` creates it
        } catch (RuntimeException e) {
            if (!placementsFailing) {
                placementsFailing = true;
                LOG.warn("cannot read {} for the tenants to send heartbeats for: {}; tenants placed since the last read get"
                        + " heartbeats once it succeeds (or once they change)", Topics.TENANTS, e.getMessage());
            }
        }
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // a broken connection: the next heartbeat opens a new one
            }
            connection = null;
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop.stop();
        timer.shutdownNow();
        timer.awaitTermination(10, TimeUnit.SECONDS);
        closeConnection();
    }
}
