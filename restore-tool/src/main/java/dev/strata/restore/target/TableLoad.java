package dev.strata.restore.target;

import java.sql.SQLException;

/** One COPY into one table, text or binary. */
public interface TableLoad {
    TableTarget table();

    void write(Object[] values) throws SQLException;

    long rows();

    /** Sends what is buffered and ends the COPY; returns the rows the server counted. */
    long finish() throws SQLException;

    void cancel();
}
