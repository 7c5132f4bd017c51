package dev.strata.local.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A server's own directory under the work dir ({@code kafka-<jvm pid>-<n>}), stamped with the JVM
 * that owns it, so that a later run can recognise and clean up what a killed run left behind.
 */
public final class InstanceDir {
    private static final String OWNER_FILE = "owner";
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private InstanceDir() {
    }

    /** Creates a fresh directory for one server of {@code kind}, owned by this JVM. */
    public static Path create(Path workDir, String kind) {
        ProcessHandle self = ProcessHandle.current();
        try {
            Files.createDirectories(workDir);
            // short names on purpose: Ceph's admin sockets live below and a unix socket path has 107 bytes
            Path dir = workDir.toAbsolutePath().resolve(kind + "-" + self.pid() + "-" + SEQUENCE.incrementAndGet());
            deleteTree(dir);
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(OWNER_FILE), ownerStamp(self), StandardCharsets.UTF_8);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a " + kind + " directory under " + workDir
                    + " (set -Dstrata.local.work.dir to a writable directory)", e);
        }
    }

    /**
     * Stops and removes every {@code kind-*} directory whose owning JVM is gone: processes named in
     * its pid files are killed, then the directory is deleted. The live JVMs' directories are kept.
     */
    public static void reapStale(Path workDir, String kind) {
        if (!Files.isDirectory(workDir)) {
            return;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(workDir, kind + "-*")) {
            for (Path dir : dirs) {
                if (Files.isDirectory(dir) && !ownerAlive(dir)) {
                    PidFiles.killAll(dir);
                    deleteTree(dir);
                    System.out.println("strata-local: removed stale " + dir + " left by a previous run");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean stale " + kind + " directories under " + workDir, e);
        }
    }

    public static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE; // a daemon removed its own pid or socket meanwhile
                    }
                    throw e;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException gone) {
            // already removed, e.g. by the watchdog
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }

    private static String ownerStamp(ProcessHandle process) {
        return process.pid() + " " + process.info().startInstant().map(Object::toString).orElse("?") + "\n";
    }

    // pid plus start time: a recycled pid of some other process does not make a dead run look alive
    private static boolean ownerAlive(Path dir) throws IOException {
        Path owner = dir.resolve(OWNER_FILE);
        if (!Files.isRegularFile(owner)) {
            return false;
        }
        String[] stamp = Files.readString(owner, StandardCharsets.UTF_8).trim().split(" ");
        if (stamp.length != 2 || !stamp[0].matches("[0-9]{1,10}")) {
            return false;
        }
        return ProcessHandle.of(Long.parseLong(stamp[0]))
                .filter(ProcessHandle::isAlive)
                .map(InstanceDir::ownerStamp)
                .map(String::trim)
                .filter(current -> current.equals(String.join(" ", stamp)))
                .isPresent();
    }
}
