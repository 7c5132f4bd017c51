package dev.strata.local;

import dev.strata.local.process.FileEvents;
import dev.strata.local.process.InstanceDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

/**
 * A {@link LocalPostgres} that archives its WAL ({@code archive_mode=on}, each finished segment
 * copied into {@link #archive()}), keeps commit times ({@code track_commit_timestamp=on}, for
 * {@code pg_xact_commit_timestamp}) and takes base backups with PostgreSQL's low-level API: the
 * source of a point-in-time recovery ({@link PitrRecovery}) to compare a restore with. zonky ships
 * no pg_basebackup, and the system's PostgreSQL 15 tools cannot read a 17 cluster.
 */
public final class PitrSource implements AutoCloseable {
    private static final String KIND = "pitr";
    private static final Duration ARCHIVE_WAIT = Duration.ofSeconds(60);

    private final LocalPostgres postgres;
    private final Path dir;
    private int backups;

    private PitrSource(LocalPostgres postgres, Path dir) {
        this.postgres = postgres;
        this.dir = dir;
    }

    /** Starts a fresh archiving cluster; its archive and base backups live in a directory of their own under {@code workDir}. */
    public static PitrSource start(Path workDir) {
        InstanceDir.reapStale(workDir, KIND);
        Path dir = InstanceDir.create(workDir, KIND);
        Path archive = dir.resolve("archive");
        try {
            Files.createDirectories(archive);
        } catch (IOException e) {
            throw new UncheckedIOException("PitrSource: cannot create the WAL archive " + archive, e);
        }
        // archive_command has spaces, which zonky's command line (pg_ctl -o) would split: written to the file instead
        String command = "test ! -f '" + archive + "/%f' && cp '%p' '" + archive + "/%f'";
        LocalPostgres postgres = LocalPostgres.start(workDir, Map.of("archive_mode", "on", "track_commit_timestamp", "on"),
                data -> append(data.resolve("postgresql.conf"), "archive_command = '" + command.replace("'", "''") + "'\n"));
        return new PitrSource(postgres, dir);
    }

    public LocalPostgres postgres() {
        return postgres;
    }

    /** The WAL archive: what {@code restore_command} copies from. */
    public Path archive() {
        return dir.resolve("archive");
    }

    /**
     * A base backup, as PostgreSQL documents the low-level way: {@code pg_backup_start}, a copy of
     * the data directory, {@code pg_backup_stop} (which waits until the WAL it needs is archived),
     * its label written as {@code backup_label} into the copy.
     */
    public BaseBackup baseBackup() {
        Path copy = dir.resolve("base-" + ++backups);
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("SELECT pg_backup_start('strata-pitr-" + backups + "', true)");
            DataDirectoryCopy.of(postgres.dataDirectory(), copy);
            try (ResultSet stop = s.executeQuery("SELECT lsn, labelfile, spcmapfile FROM pg_backup_stop(true)")) {
                stop.next();
                Files.writeString(copy.resolve("backup_label"), stop.getString("labelfile"), StandardCharsets.UTF_8);
                String tablespaceMap = stop.getString("spcmapfile");
                if (tablespaceMap != null && !tablespaceMap.isEmpty()) {
                    Files.writeString(copy.resolve("tablespace_map"), tablespaceMap, StandardCharsets.UTF_8);
                }
                return new BaseBackup(copy, stop.getString("lsn"));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("PitrSource: base backup failed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("PitrSource: cannot write the base backup " + copy, e);
        }
    }

    /**
     * Ends the current WAL segment and waits until the archive holds it, after one more commit:
     * every commit made before this call can then be recovered, and a recovery to any time before
     * the call finds its stop point (PostgreSQL stops before the first commit record timed after
     * the target; with none in the archive it fails: "recovery ended before configured recovery
     * target was reached"). That commit is in database postgres and changes nothing. It also makes
     * sure there is something to switch: with nothing written since the last switch,
     * pg_switch_wal does nothing and names the segment still being written.
     */
    public void archiveWrittenWal() {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("SELECT pg_current_xact_id()"); // autocommit: a transaction with an xid, so a commit record
            String segment;
            try (ResultSet switched = s.executeQuery("SELECT pg_walfile_name(pg_switch_wal())")) {
                switched.next();
                segment = switched.getString(1);
            }
            // archived means copied whole: the file alone may still be half written by cp. The
            // archiver renames the segment's .ready status file to .done when it has succeeded, before it
            // counts it in pg_stat_archiver; a checkpoint may remove the .done file later.
            Path status = postgres.dataDirectory().resolve("pg_wal").resolve("archive_status");
            if (!FileEvents.await(status, ARCHIVE_WAIT,
                    () -> Files.exists(status.resolve(segment + ".done")) || lastArchived(s).compareTo(segment) >= 0)) {
                throw new IllegalStateException("PitrSource: WAL segment " + segment + " not archived within " + ARCHIVE_WAIT
                        + " (pg_stat_archiver: " + archiverState(s) + ")");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("PitrSource: cannot switch WAL: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("PitrSource: interrupted while waiting for the archiver", e);
        }
    }

    @Override
    public void close() {
        postgres.close();
        InstanceDir.deleteTree(dir);
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(postgres.jdbcUrl("postgres"), postgres.user(), postgres.password());
    }

    /** The newest segment archived (names of one timeline sort in WAL order); empty before the first. */
    private static String lastArchived(Statement s) {
        try (ResultSet rs = s.executeQuery("SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver")) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException("PitrSource: cannot read pg_stat_archiver: " + e.getMessage(), e);
        }
    }

    private static String archiverState(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT archived_count, last_archived_wal, failed_count, last_failed_wal FROM pg_stat_archiver")) {
            rs.next();
            return "archived " + rs.getLong(1) + ", last " + rs.getString(2) + ", failed " + rs.getLong(3) + ", last failed " + rs.getString(4);
        }
    }

    private static void append(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("PitrSource: cannot write " + file, e);
        }
    }

    /** A copied data directory with its backup_label; {@code stopLsn} is where it becomes consistent. */
    public record BaseBackup(Path dataDirectory, String stopLsn) {
    }
}
