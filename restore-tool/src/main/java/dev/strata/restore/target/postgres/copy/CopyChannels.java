package dev.strata.restore.target.postgres.copy;

import java.sql.SQLException;
import org.postgresql.copy.CopyManager;

/** Opens the COPY of one table at a time. */
public interface CopyChannels {
    /**
     * @param copySql {@code COPY table (columns) FROM STDIN (FORMAT text|binary)}
     * @param binary whether the rows are in binary COPY's form: the channel then adds the stream's header and trailer
     */
    CopyChannel open(String copySql, boolean binary) throws SQLException;

    /** Every COPY on the one session {@code copies} belongs to, in its transaction. */
    static CopyChannels direct(CopyManager copies) {
        return (copySql, binary) -> new DirectCopy(copies.copyIn(copySql), binary);
    }
}
