package dev.strata.schemas.checkpoint;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The one definition of a table checksum, shared by capture (on the source, inside a checkpoint's
 * snapshot) and by drills (on the restored scratch table): the same SQL on both sides is what makes
 * the two numbers comparable.
 *
 * <p>Order-independent and streaming: the sum of a 64-bit hash of each row's text form, as an exact
 * numeric (no overflow, no order, no sort, no memory per row). A row's text form is what restore
 * reproduces exactly (the type-zoo tests); {@code ROW(alias.*)} rather than {@code alias::text}, which
 * would read a column that happens to share the alias's name. {@code hashtextextended} exists from
 * PostgreSQL 11.
 */
public final class RowChecksum {
    /** Alias the table as {@value #ROW_ALIAS} in the FROM clause. */
    public static final String ROW_ALIAS = "strata_row";
    /** Selects two columns: the row count (bigint) and the checksum (text, "0" for no rows). */
    public static final String AGGREGATE = "count(*), coalesce(sum(hashtextextended(ROW(" + ROW_ALIAS + ".*)::text, 0)::numeric), 0)::text";
    /** The checksum of a table with no rows of the tenant. */
    public static final String EMPTY = "0";
    /**
     * A row's text form depends on the session (a timestamptz prints in the session's time zone, an
     * interval in its IntervalStyle...), and capture and a drill run in different JVMs, hosts and
     * roles: both sides fix the settings that shape it before computing {@link #AGGREGATE}.
     */
    private static final String SESSION = "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, MDY'; SET IntervalStyle = 'postgres';"
            + " SET extra_float_digits = 3; SET bytea_output = 'hex'";

    private RowChecksum() {
    }

    /** Fixes the session settings a row's text form depends on; call before any checksum query (and before a snapshot is taken). */
    public static void fixSession(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(SESSION);
        }
    }
}
