package dev.strata.local;

import dev.strata.local.process.ExitHook;
import dev.strata.local.process.FileEvents;
import dev.strata.local.process.InstanceDir;
import dev.strata.local.process.LogTail;
import dev.strata.local.process.Watchdog;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PostgreSQL's own point-in-time recovery of a {@link PitrSource}, run by the same PostgreSQL 17
 * binary on its own port: a copy of a base backup, {@code recovery.signal}, {@code restore_command}
 * from the archive and {@code recovery_target_time = T} (or {@code recovery_target_lsn = L}) with
 * {@code recovery_target_inclusive = on}.
 * It pauses at the target (a hot standby, read-only) instead of promoting, so that a later
 * {@link #recoverTo} restarts it and replays on from there rather than from the base again: the
 * targets of one recovery must be given in ascending order.
 */
public final class PitrRecovery implements AutoCloseable {
    private static final String KIND = "pitr-recovery";
    private static final Duration PAUSE_WAIT = Duration.ofSeconds(60);
    private static final DateTimeFormatter TARGET = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSxxx").withZone(ZoneOffset.UTC);
    /** Logged by recovery_target_action = 'pause' once replay has stopped at the target. */
    private static final String PAUSED = "pausing at the end of recovery";
    private static final Pattern STOPPED = Pattern.compile("recovery stopping before (commit|abort) of transaction (\\d+), time (.+)");
    /**
     * Never archive from the copy (a promoted copy's timeline history in the shared archive would
     * divert every later recovery), and stay on the base backup's timeline.
     */
    private static final Map<String, String> SETTINGS = Map.of("archive_mode", "off", "hot_standby", "on");

    private final Path dir;
    private final Path archive;
    private final int port;
    private final Watchdog watchdog;
    private final ExitHook exitHook;
    private EmbeddedPostgres postgres;
    private Instant target = Instant.MIN;
    private boolean closed;

    private PitrRecovery(Path dir, Path archive, Watchdog watchdog) {
        this.dir = dir;
        this.archive = archive;
        this.port = FreePorts.next();
        this.watchdog = watchdog;
        this.exitHook = ExitHook.register(KIND, this::close);
    }

    /** A copy of {@code base} in a new directory under {@code workDir}, recovering from {@code archive}; not started yet. */
    public static PitrRecovery of(PitrSource.BaseBackup base, Path archive, Path workDir) {
        InstanceDir.reapStale(workDir, KIND);
        Path dir = InstanceDir.create(workDir, KIND);
        Path data = dir.resolve("data");
        try {
            DataDirectoryCopy.of(base.dataDirectory(), data);
            Files.writeString(data.resolve("recovery.signal"), "", StandardCharsets.UTF_8);
        } catch (IOException e) {
            InstanceDir.deleteTree(dir);
            throw new UncheckedIOException("PitrRecovery: cannot copy the base backup " + base.dataDirectory() + " to " + data, e);
        }
        return new PitrRecovery(dir, archive, Watchdog.watchPidFiles("INT", dir, List.of(data.resolve("postmaster.pid"))));
    }

    /**
     * Recovers to {@code time} (inclusive) and waits until replay pauses there. Later calls must
     * give later times: the server restarts and goes on from where it paused.
     */
    public synchronized void recoverTo(Instant time) {
        if (time.isBefore(target)) {
            throw new IllegalArgumentException("PitrRecovery: targets must ascend: " + time + " is before the last one, " + target);
        }
        target = time;
        recover("recovery_target_time = '" + TARGET.format(time) + "'");
    }

    /**
     * Recovers to the WAL position {@code lsn} ({@code X/Y}, recovery_target_lsn, inclusive) and
     * waits until replay pauses there; it must not be before {@link #replayedLsn()}.
     */
    public synchronized void recoverToLsn(String lsn) {
        recover("recovery_target_lsn = '" + lsn + "'");
    }

    /** Where replay stands: the end of the last WAL record replayed (pg_last_wal_replay_lsn()), X/Y; empty before the first recovery. */
    public synchronized String replayedLsn() {
        if (postgres == null) {
            return "";
        }
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), user(), ""); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_last_wal_replay_lsn()")) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException("PitrRecovery: cannot read the replay position: " + e.getMessage(), e);
        }
    }

    private void recover(String targetSetting) {
        stopServer();
        Path data = dir.resolve("data");
        String settings = String.join("\n",
                "restore_command = 'cp ''" + archive + "/%f'' ''%p'''",
                targetSetting,
                "recovery_target_inclusive = on",
                "recovery_target_action = 'pause'",
                "recovery_target_timeline = 'current'", "");
        try {
            Files.writeString(data.resolve("postgresql.auto.conf"), settings, StandardCharsets.UTF_8);
            long logStart = Files.exists(log()) ? Files.size(log()) : 0;
            postgres = PostgresLaunch.existing(data, log(), port, SETTINGS);
            awaitPaused(logStart);
        } catch (IOException e) {
            throw new IllegalStateException("PitrRecovery: recovery to " + targetSetting + " failed: " + e.getMessage()
                    + "\n" + LogTail.of(log(), 30), e);
        }
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    public String user() {
        return "postgres";
    }

    /** What PostgreSQL logged at the last stop: e.g. {@code commit of transaction 1234, time 2026-...}; empty if not found. */
    public String stopPoint() {
        String found = "";
        for (String line : LogTail.of(log(), 200).split("\n")) {
            Matcher matcher = STOPPED.matcher(line);
            if (matcher.find()) {
                found = matcher.group(1) + " of transaction " + matcher.group(2) + ", time " + matcher.group(3);
            }
        }
        return found;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        exitHook.cancel();
        stopServer();
        watchdog.close();
        InstanceDir.deleteTree(dir);
    }

    /** Waits for the line PostgreSQL logs when replay reaches the target and pauses, written after {@code logStart}. */
    private void awaitPaused(long logStart) {
        try {
            if (!FileEvents.await(dir, PAUSE_WAIT, () -> logSince(logStart).contains(PAUSED))) {
                throw new IllegalStateException("replay did not pause at the target within " + PAUSE_WAIT
                        + " (is every WAL segment up to the target archived?)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the recovery to pause", e);
        }
    }

    private String logSince(long offset) {
        try (SeekableByteChannel channel = Files.newByteChannel(log())) {
            channel.position(offset);
            return new String(Channels.newInputStream(channel).readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("PitrRecovery: cannot read " + log(), e);
        }
    }

    private void stopServer() {
        if (postgres == null) {
            return;
        }
        try {
            postgres.close();
        } catch (IOException e) {
            System.out.println("PitrRecovery: pg_ctl stop failed (" + e.getMessage() + "), the watchdog kills it");
        }
        postgres = null;
    }

    private Path log() {
        return dir.resolve("postgres.log");
    }
}
