package dev.strata.restore.bench;

import dev.strata.local.LocalPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The peer a user would reach for: {@code pg_restore -j 2} of a {@code pg_dump -Fd} (directory
 * format, its default compression) of the same final rows, into a new database of the bench's
 * server, timed from pg_restore's start to its exit (table, data, primary key).
 *
 * <p>The client tools are Debian's ({@code /usr/lib/postgresql/MAJOR/bin}, the newest installed).
 * When their major version is older than the server's (Debian 12 ships 15 only, the embedded server
 * is 17), pg_dump refuses to dump the server ("server version mismatch"), so the dump is made from a
 * throwaway cluster of the client's own major version ({@link DebianCluster}), loaded by the same
 * binary COPY; pg_restore, which only sends SQL and COPY data, then restores it into the bench's
 * server. The peer's run, the one timed, is always on the same server as the restore it is beside.
 *
 * @param seconds pg_restore's wall time
 * @param description what ran: the client version and where the dump came from
 */
record PgRestorePeer(double seconds, String description) {
    private static final Path DEBIAN_POSTGRES = Path.of("/usr/lib/postgresql");
    private static final int JOBS = 2;

    /** Dumps the final rows of {@code log} and restores them into the new database {@code database} of {@code pg}. */
    static PgRestorePeer run(LocalPostgres pg, String database, BenchRows log, Path work) throws Exception {
        Path bin = newestClient();
        int client = Integer.parseInt(bin.getParent().getFileName().toString());
        int server = serverMajor(pg);
        Path dump = work.resolve("pg_dump-" + database);
        String source;
        if (client >= server) {
            String db = database + "_source";
            BinaryCopy.timedLoad(pg, db, log);
            dumpFrom(bin, "127.0.0.1", pg.port(), db, dump);
            source = "dumped from the same server";
        } else {
            try (DebianCluster older = DebianCluster.start(bin)) {
                older.load(log);
                dumpFrom(bin, older.host(), older.port(), DebianCluster.DATABASE, dump);
            }
            source = "dumped from a throwaway PostgreSQL " + client + " cluster: Debian's pg_dump " + client
                    + " refuses a server " + server + " (no client " + server + " in Debian 12 or its backports)";
        }
        pg.createDatabase(database);
        long start = System.nanoTime();
        exec(List.of(bin.resolve("pg_restore").toString(), "-j", Integer.toString(JOBS), "-h", "127.0.0.1", "-p",
                Integer.toString(pg.port()), "-U", pg.user(), "-d", database, "--no-owner", dump.toString()), dump.getParent());
        double seconds = (System.nanoTime() - start) / 1e9;
        return new PgRestorePeer(seconds, String.format(Locale.ROOT, "pg_restore -j %d of pg_dump -Fd, client %d into server %d, %s",
                JOBS, client, server, source));
    }

    private static void dumpFrom(Path bin, String host, int port, String database, Path dump) throws Exception {
        long start = System.nanoTime();
        exec(List.of(bin.resolve("pg_dump").toString(), "-Fd", "-f", dump.toString(), "-h", host, "-p", Integer.toString(port),
                "-U", "postgres", database), dump.getParent());
        System.out.printf(Locale.ROOT, "pg_dump -Fd of %s: %.1f s (not timed in the comparison)%n", database, (System.nanoTime() - start) / 1e9);
    }

    /** The newest Debian client's bin directory, or a refusal that says what to install. */
    private static Path newestClient() throws IOException {
        if (Files.isDirectory(DEBIAN_POSTGRES)) {
            try (Stream<Path> versions = Files.list(DEBIAN_POSTGRES)) {
                List<Path> bins = versions.filter(v -> v.getFileName().toString().matches("[0-9]+"))
                        .sorted(Comparator.comparingInt(v -> Integer.parseInt(v.getFileName().toString())))
                        .map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("pg_restore"))).toList();
                if (!bins.isEmpty()) {
                    return bins.get(bins.size() - 1);
                }
            }
        }
        throw new IllegalStateException("no PostgreSQL client tools under " + DEBIAN_POSTGRES + ": run docker/local/install-deps"
                + " (it installs Debian's postgresql-client and the server binaries the older-client dump needs)");
    }

    private static int serverMajor(LocalPostgres pg) throws SQLException {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl("postgres"), pg.user(), pg.password());
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW server_version_num")) {
            rs.next();
            return Integer.parseInt(rs.getString(1)) / 10_000;
        }
    }

    /** Runs a command to its end; a non-zero exit fails with its output. */
    static String exec(List<String> command, Path dir) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(command);
        Process p = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", argv) + " failed: " + out);
        }
        return out;
    }
}
