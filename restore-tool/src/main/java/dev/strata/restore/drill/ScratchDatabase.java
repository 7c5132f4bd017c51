package dev.strata.restore.drill;

import dev.strata.restore.target.postgres.PgConnectionSpec;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A database created for one drill on the drill's Postgres server and dropped when closed, whatever
 * the drill's outcome. Named {@code strata_drill_<tenant>_<micros>}: unique per drill, and
 * recognisable if a killed drill leaves one behind.
 */
final class ScratchDatabase implements AutoCloseable {
    private static final Pattern JDBC_URL = Pattern.compile("(jdbc:postgresql://[^/]+/)([^?]*)(\\?.*)?");

    private final PgConnectionSpec admin;
    private final String name;
    private final PgConnectionSpec scratch;

    private ScratchDatabase(PgConnectionSpec admin, String name, PgConnectionSpec scratch) {
        this.admin = admin;
        this.name = name;
        this.scratch = scratch;
    }

    /** @param admin a database on the server where the role may CREATE DATABASE (e.g. .../postgres) */
    static ScratchDatabase create(PgConnectionSpec admin, String tenant, long nowMicros) throws SQLException {
        Matcher url = JDBC_URL.matcher(admin.jdbcUrl());
        if (!url.matches()) {
            throw new IllegalArgumentException("drill database URL " + admin.describe() + " is not jdbc:postgresql://host:port/database");
        }
        String name = "strata_drill_" + tenant.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_") + "_" + nowMicros;
        name = name.length() > 63 ? name.substring(name.length() - 63) : name;
        try (Connection c = DriverManager.getConnection(admin.jdbcUrl(), admin.properties()); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE \"" + name + "\"");
        }
        String scratchUrl = url.group(1) + name + (url.group(3) == null ? "" : url.group(3));
        return new ScratchDatabase(admin, name, new PgConnectionSpec(scratchUrl, admin.user(), admin.password()));
    }

    PgConnectionSpec spec() {
        return scratch;
    }

    String name() {
        return name;
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(scratch.jdbcUrl(), scratch.properties());
    }

    @Override
    public void close() throws SQLException {
        try (Connection c = DriverManager.getConnection(admin.jdbcUrl(), admin.properties()); Statement s = c.createStatement()) {
            // FORCE: a connection a failed restore left open must not keep the scratch copy alive
            s.execute("DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
        }
    }
}
