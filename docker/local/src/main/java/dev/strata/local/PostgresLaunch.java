package dev.strata.local;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * How a zonky PostgreSQL 17 postmaster starts here: the one set of server settings every local
 * cluster runs with. A recovered copy of a cluster needs them too: a hot standby refuses to start
 * with {@code max_wal_senders} (and the like) below its primary's, and these are command-line
 * settings, which a copied data directory does not carry.
 */
final class PostgresLaunch {
    private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);
    private static final Map<String, String> SETTINGS = settings();

    private PostgresLaunch() {
    }

    /** initdb into {@code data} (emptied first), then {@code beforeStart} on it, then start. */
    static EmbeddedPostgres fresh(Path data, Path log, int port, Map<String, String> extra, Consumer<Path> beforeStart)
            throws IOException {
        return builder(data, log, port, extra)
                .setCleanDataDirectory(true)
                .setDataDirectoryCustomizer(dir -> beforeStart.accept(dir.toPath()))
                .start();
    }

    /** Starts on a data directory that already holds a cluster (no initdb); closing keeps it. */
    static EmbeddedPostgres existing(Path data, Path log, int port, Map<String, String> extra) throws IOException {
        return builder(data, log, port, extra).setCleanDataDirectory(false).start();
    }

    private static EmbeddedPostgres.Builder builder(Path data, Path log, int port, Map<String, String> extra) {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(data)
                .setPort(port)
                .setPGStartupWait(STARTUP_WAIT)
                .setRegisterShutdownHook(false) // ours closes the watchdog and the directory too
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> settings = new LinkedHashMap<>(SETTINGS);
        settings.putAll(extra);
        settings.forEach(builder::setServerConfig);
        return builder;
    }

    private static Map<String, String> settings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("listen_addresses", "127.0.0.1");
        // logical decoding for capture (Debezium pgoutput), with room for many tests' slots
        settings.put("wal_level", "logical");
        settings.put("max_replication_slots", "20");
        settings.put("max_wal_senders", "20");
        // test-only: durability traded for speed; a crash loses the throwaway cluster anyway
        settings.put("fsync", "off");
        settings.put("full_page_writes", "off");
        settings.put("synchronous_commit", "off");
        // Logical decoding only sees flushed WAL, and with asynchronous commits the WAL writer
        // flushes every wal_writer_delay (200 ms by default): keep change capture prompt.
        settings.put("wal_writer_delay", "10ms");
        return Map.copyOf(settings);
    }
}
