package dev.strata.capture.pg;

import dev.strata.capture.CaptureConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How much WAL the capture slot holds back on the source server: a slot that stops moving (capture
 * down, Kafka unreachable) keeps every WAL segment since its restart_lsn and fills the source's disk,
 * so this is the number to alert on. Looked up on its own schedule with a connection per look (a
 * scrape never waits on the database); NaN until the first look and while the database does not answer.
 */
public final class SlotRetention implements AutoCloseable {
    public static final String RETAINED_BYTES = "strata.capture.slot.retained.bytes";
    static final Duration EVERY = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(SlotRetention.class);
    private static final long UNKNOWN = Long.MIN_VALUE;
    private static final String SQL = """
            SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint FROM pg_replication_slots
            WHERE slot_name = ? AND database = current_database()""";

    private final CaptureConfig config;
    private final AtomicLong retained = new AtomicLong(UNKNOWN);
    private final ScheduledExecutorService schedule;

    private SlotRetention(CaptureConfig config) {
        this.config = config;
        this.schedule = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "capture-slot-retention-" + config.name());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Registers {@value #RETAINED_BYTES} tagged with the capture's source name and starts looking. */
    public static SlotRetention start(CaptureConfig config, MeterRegistry registry) {
        SlotRetention slot = new SlotRetention(config);
        Gauge.builder(RETAINED_BYTES, slot.retained, v -> v.get() == UNKNOWN ? Double.NaN : v.get()).baseUnit("bytes")
                .description("WAL the capture slot keeps on the source server (current WAL position minus the slot's restart_lsn)")
                .tag("source", config.name()).tag("slot", config.slot()).register(registry);
        slot.schedule.scheduleWithFixedDelay(slot::look, 0, EVERY.toMillis(), TimeUnit.MILLISECONDS);
        return slot;
    }

    private void look() {
        Properties credentials = new Properties();
        credentials.setProperty("user", config.databaseUser());
        credentials.setProperty("password", config.databasePassword());
        credentials.setProperty("ApplicationName", "strata-capture slot retention");
        credentials.setProperty("connectTimeout", "5");
        credentials.setProperty("socketTimeout", "5");
        try (Connection connection = DriverManager.getConnection(config.jdbcUrl(), credentials);
                PreparedStatement s = connection.prepareStatement(SQL)) {
            s.setString(1, config.slot());
            try (ResultSet row = s.executeQuery()) {
                retained.set(row.next() ? row.getLong(1) : UNKNOWN);
            }
        } catch (SQLException e) {
            retained.set(UNKNOWN);
            LOG.debug("capture {}: cannot read the WAL kept by slot {}: {}", config.name(), config.slot(), e.getMessage());
        }
    }

    @Override
    public void close() {
        schedule.shutdownNow();
    }
}
