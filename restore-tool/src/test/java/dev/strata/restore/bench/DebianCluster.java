package dev.strata.restore.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A throwaway cluster of Debian's PostgreSQL server binaries ({@code /usr/lib/postgresql/MAJOR/bin}),
 * for a pg_dump of an older major version than the bench's server to dump from. initdb refuses root,
 * so as root it runs as the {@code postgres} user Debian's server package creates, in a directory
 * of its own outside the bench's private work directory.
 */
final class DebianCluster implements AutoCloseable {
    static final String DATABASE = "bench_source";
    private static final String USER = "postgres";

    private final Path bin;
    private final Path dir;
    private final int port;

    private DebianCluster(Path bin, Path dir, int port) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
    }

    /** initdb, start on a free loopback port, and {@code CREATE DATABASE} {@value #DATABASE}. */
    static DebianCluster start(Path bin) throws Exception {
        if (!Files.isExecutable(bin.resolve("initdb"))) {
            throw new IllegalStateException("no PostgreSQL server binaries in " + bin + " to dump from with the older client: run"
                    + " docker/local/install-deps (it installs the server package of the client's version)");
        }
        Path dir = Files.createTempDirectory("strata-bench-debian-postgres-");
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
            Files.setOwner(dir, users.lookupPrincipalByName(USER));
        }
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        DebianCluster cluster = new DebianCluster(bin, dir, port);
        try {
            cluster.asOwner(List.of(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", USER, "-A", "trust",
                    "--no-sync"), root);
            cluster.asOwner(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-l",
                    dir.resolve("log").toString(), "-w", "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off",
                    "start"), root);
            try (Connection c = DriverManager.getConnection(cluster.jdbcUrl("postgres"), USER, "")) {
                c.createStatement().execute("CREATE DATABASE " + DATABASE);
            }
            return cluster;
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
    }

    /** The same final rows, by the same binary COPY + primary key as the baseline. */
    void load(BenchRows log) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbcUrl(DATABASE), USER, "")) {
            BinaryCopy.load(c, log);
        }
    }

    String host() {
        return "127.0.0.1";
    }

    int port() {
        return port;
    }

    private String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    private void asOwner(List<String> command, boolean root) throws Exception {
        List<String> argv = new ArrayList<>();
        if (root) {
            argv.addAll(List.of("runuser", "-u", USER, "--"));
        }
        argv.addAll(command);
        PgRestorePeer.exec(argv, dir);
    }

    /** Fast shutdown, then the directory is deleted. */
    @Override
    public void close() throws Exception {
        try {
            if (Files.exists(dir.resolve("data").resolve("postmaster.pid"))) {
                asOwner(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "fast", "-w", "stop"),
                        "root".equals(System.getProperty("user.name")));
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                System.out.println("DebianCluster: cannot delete " + dir + ": " + e.getMessage());
            }
        }
    }
}
