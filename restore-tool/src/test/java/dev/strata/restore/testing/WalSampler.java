package dev.strata.restore.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Samples the source's WAL insert position ({@code pg_current_wal_insert_lsn()}, a record boundary)
 * with the time it was read, on a thread of its own while a workload runs: targets for a restore
 * to an LSN that fall anywhere in the WAL, not only at commits.
 */
public final class WalSampler implements AutoCloseable {
    /** An LSN as PostgreSQL prints it (X/Y) and when it was the insert position. */
    public record Sample(String lsn, long wallMicros) {
    }

    private final List<Sample> samples = new ArrayList<>();
    private final Thread thread;
    private volatile boolean stopped;
    private volatile SQLException failure;

    private WalSampler(String url, String user, Duration every) {
        thread = new Thread(() -> {
            try (Connection c = DriverManager.getConnection(url, user, ""); Statement s = c.createStatement()) {
                while (!stopped) {
                    try (ResultSet rs = s.executeQuery("SELECT pg_current_wal_insert_lsn()::text,"
                            + " (extract(epoch FROM clock_timestamp()) * 1000000)::bigint")) {
                        rs.next();
                        synchronized (samples) {
                            samples.add(new Sample(rs.getString(1), rs.getLong(2)));
                        }
                    }
                    Thread.sleep(every.toMillis());
                }
            } catch (SQLException e) {
                failure = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "wal-sampler");
        thread.setDaemon(true);
    }

    public static WalSampler start(String url, String user, Duration every) {
        WalSampler sampler = new WalSampler(url, user, every);
        sampler.thread.start();
        return sampler;
    }

    /** Stops sampling; the samples taken, in order. */
    public List<Sample> stop() throws InterruptedException {
        stopped = true;
        thread.join(10_000);
        if (failure != null) {
            throw new IllegalStateException("sampling the WAL insert position failed: " + failure.getMessage(), failure);
        }
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        thread.join(10_000);
    }
}
