package dev.strata.restore.testing;

import dev.strata.local.LocalPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** A test's connections to the local server's databases, and the one value of a query (a checksum, a count). */
public final class Databases {
    private Databases() {
    }

    public static Connection connect(LocalPostgres pg, String db) throws SQLException {
        return DriverManager.getConnection(pg.jdbcUrl(db), pg.user(), pg.password());
    }

    /** The first column of the first row, as text. */
    public static String text(Connection c, String query) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
