package dev.strata.local;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The file copy of a base backup taken with the low-level API, while the server runs: what
 * pg_basebackup leaves out is left out (WAL, which recovery takes from the archive; runtime and
 * temporary state; replication slots), and a file that vanishes during the copy is skipped, as
 * PostgreSQL's documentation allows: the WAL replayed from the backup's start recreates it.
 */
final class DataDirectoryCopy {
    /** Directories copied empty. */
    private static final Set<String> EMPTY_DIRS = Set.of("pg_wal", "pg_replslot", "pg_dynshmem", "pg_notify", "pg_serial",
            "pg_snapshots", "pg_stat_tmp", "pg_subtrans");
    /** Files not copied (epg-lock is zonky's). */
    private static final Set<String> SKIPPED_FILES = Set.of("postmaster.pid", "postmaster.opts", "backup_label.old",
            "tablespace_map.old", "pg_internal.init", "recovery.signal", "standby.signal", "current_logfiles", "epg-lock");

    private DataDirectoryCopy() {
    }

    static void of(Path data, Path copy) throws IOException {
        Files.walkFileTree(data, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(copy.resolve(data.relativize(dir).toString()));
                return dir != data && EMPTY_DIRS.contains(dir.getFileName().toString()) && dir.getParent().equals(data)
                        ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                String name = file.getFileName().toString();
                if (!SKIPPED_FILES.contains(name) && !name.startsWith("pgsql_tmp")) {
                    try {
                        Files.copy(file, copy.resolve(data.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
                    } catch (NoSuchFileException vanished) {
                        // dropped or renamed by the running server: WAL replay recreates what is needed
                    }
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }
        });
        Files.createDirectories(copy.resolve("pg_wal").resolve("archive_status"));
        // postgres refuses a data directory others may read
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rwx------"));
    }
}
