package dev.strata.restore.target.postgres.copy;

import java.sql.SQLException;

/** Where one table's COPY data goes: one COPY on one session, or several sessions' COPYs at once ({@link CopyLanes}). */
public interface CopyChannel {
    /** Sends whole rows (a later call may go to another session than this one). */
    void write(byte[] bytes, int length) throws SQLException;

    /** Ends the COPY; returns the rows the server counted. */
    long end() throws SQLException;

    /** Gives the COPY up: its transaction is rolled back next. */
    void cancel();
}
