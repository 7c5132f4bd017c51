package dev.strata.local;

import dev.strata.local.process.Elapsed;
import dev.strata.local.process.ExitHook;
import dev.strata.local.process.InstanceDir;
import dev.strata.local.process.LogTail;
import dev.strata.local.process.Watchdog;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * A throwaway PostgreSQL 17 with logical decoding ({@code pgoutput}) on a free loopback port, from
 * zonky's embedded binaries: no apt step, and it works as root (zonky runs initdb and pg_ctl under
 * {@code unshare -U} by itself). Trust authentication: user postgres, no password.
 */
public final class LocalPostgres implements AutoCloseable {
    private static final String KIND = "postgres";
    private static final String SUPERUSER = "postgres";
    private static final int START_ATTEMPTS = 3;
    private static final String DATA = "data";
    private static final Pattern DATABASE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private final EmbeddedPostgres postgres;
    private final Path dir;
    private final Watchdog watchdog;
    private final ExitHook exitHook;
    private boolean closed;

    private LocalPostgres(EmbeddedPostgres postgres, Path dir, Watchdog watchdog) {
        this.postgres = postgres;
        this.dir = dir;
        this.watchdog = watchdog;
        this.exitHook = ExitHook.register("local-postgres", this::close);
    }

    /** Starts a fresh cluster (initdb) in a new directory under {@code workDir}. */
    public static LocalPostgres start(Path workDir) {
        return start(workDir, Map.of(), data -> { });
    }

    /**
     * Starts a fresh cluster with {@code settings} on top of the usual ones, calling
     * {@code beforeStart} with the data directory between initdb and the first start (to write
     * settings a command line cannot carry).
     */
    public static LocalPostgres start(Path workDir, Map<String, String> settings, Consumer<Path> beforeStart) {
        Elapsed elapsed = Elapsed.start();
        InstanceDir.reapStale(workDir, KIND);
        for (int attempt = 1; ; attempt++) {
            Path dir = InstanceDir.create(workDir, KIND);
            Path data = dir.resolve(DATA);
            // armed before the start: a JVM killed mid-start must not leave a postmaster behind
            Watchdog watchdog = Watchdog.watchPidFiles("INT", dir, List.of(data.resolve("postmaster.pid")));
            try {
                LocalPostgres started = new LocalPostgres(
                        PostgresLaunch.fresh(data, dir.resolve("postgres.log"), FreePorts.next(), settings, beforeStart), dir, watchdog);
                System.out.println("LocalPostgres: PostgreSQL on 127.0.0.1:" + started.port() + " ready in " + elapsed);
                return started;
            } catch (IOException | RuntimeException e) {
                String log = LogTail.of(dir.resolve("postgres.log"), 30);
                watchdog.close();
                InstanceDir.deleteTree(dir);
                if (attempt == START_ATTEMPTS || !log.contains("could not bind")) {
                    throw new IllegalStateException("LocalPostgres: cannot start PostgreSQL: " + e.getMessage() + "\n" + log, e);
                }
            }
        }
    }

    /** The cluster's data directory (a base backup copies it). */
    public Path dataDirectory() {
        return dir.resolve(DATA);
    }

    public int port() {
        return postgres.getPort();
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + database;
    }

    public String user() {
        return SUPERUSER;
    }

    /** Empty: the throwaway cluster trusts loopback connections. */
    public String password() {
        return "";
    }

    /** {@code CREATE DATABASE name}; names are plain lower-case identifiers. */
    public void createDatabase(String name) {
        if (!DATABASE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("database name '" + name + "' must match " + DATABASE_NAME.pattern());
        }
        try (Connection connection = DriverManager.getConnection(jdbcUrl("postgres"), user(), password());
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("LocalPostgres: cannot create database " + name + ": " + e.getMessage(), e);
        }
    }

    /** Stops the postmaster (fast shutdown) and deletes the cluster's directory. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        exitHook.cancel();
        Elapsed elapsed = Elapsed.start();
        try {
            postgres.close();
        } catch (IOException e) {
            System.out.println("LocalPostgres: pg_ctl stop failed (" + e.getMessage() + "), the watchdog kills it");
        }
        watchdog.close();
        InstanceDir.deleteTree(dir);
        System.out.println("LocalPostgres: stopped in " + elapsed);
    }
}
