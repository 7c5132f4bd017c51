package dev.strata.capture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.local.LocalPostgres;
import dev.strata.local.LocalStackExtension;
import dev.strata.schemas.checkpoint.RowChecksum;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Capture and a drill compute a table's checksum in different sessions (JVM time zone, server
 * defaults): with {@link RowChecksum#fixSession} they agree, without it they do not.
 */
@ExtendWith(LocalStackExtension.class)
class RowChecksumIT {
    private static final String DB = "row_checksum";

    @Test
    void sessionsWithOtherTimeZonesAndStylesGiveTheSameChecksumOnceFixed(LocalPostgres pg) throws SQLException {
        pg.createDatabase(DB);
        try (Connection setup = connect(pg, "UTC", "postgres"); Statement s = setup.createStatement()) {
            s.execute("create table t (id int primary key, at timestamptz, took interval, data bytea)");
            s.execute("insert into t values (1, '2026-11-21 10:15:30.123456+00', '1 day 02:03:04', '\\x00ff'),"
                    + " (2, 'infinity', '-3 months', null)");
        }
        try (Connection capture = connect(pg, "UTC", "postgres"); Connection drill = connect(pg, "America/New_York", "iso_8601")) {
            assertThat(checksum(drill)).as("the unfixed sessions really differ").isNotEqualTo(checksum(capture));

            RowChecksum.fixSession(capture);
            RowChecksum.fixSession(drill);

            assertThat(checksum(drill)).isEqualTo(checksum(capture));
        }
    }

    private static Connection connect(LocalPostgres pg, String timeZone, String intervalStyle) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", pg.user());
        props.setProperty("password", pg.password());
        props.setProperty("options", "-c TimeZone=" + timeZone + " -c IntervalStyle=" + intervalStyle);
        return DriverManager.getConnection(pg.jdbcUrl(DB), props);
    }

    private static String checksum(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet row = s.executeQuery("SELECT " + RowChecksum.AGGREGATE + " FROM t " + RowChecksum.ROW_ALIAS)) {
            row.next();
            return row.getLong(1) + ":" + row.getString(2);
        }
    }
}
