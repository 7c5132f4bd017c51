package dev.strata.restore.target.postgres.copy;

import java.sql.SQLException;
import org.postgresql.copy.CopyIn;

/** One COPY on the caller's own session, written from the caller's thread. */
final class DirectCopy implements CopyChannel {
    private final CopyIn copy;
    private final boolean binary;

    DirectCopy(CopyIn copy, boolean binary) throws SQLException {
        this.copy = copy;
        this.binary = binary;
        if (binary) {
            copy.writeToCopy(BinaryCopyFrame.HEADER, 0, BinaryCopyFrame.HEADER.length);
        }
    }

    @Override
    public void write(byte[] bytes, int length) throws SQLException {
        copy.writeToCopy(bytes, 0, length);
    }

    @Override
    public long end() throws SQLException {
        if (binary) {
            copy.writeToCopy(BinaryCopyFrame.TRAILER, 0, BinaryCopyFrame.TRAILER.length);
        }
        return copy.endCopy();
    }

    @Override
    public void cancel() {
        try {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        } catch (SQLException e) {
            // the transaction is rolled back next; a failed cancel changes nothing there
        }
    }
}
