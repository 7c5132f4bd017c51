package dev.strata.restore.target.postgres;

import dev.strata.restore.target.TableTarget;
import dev.strata.restore.target.postgres.copy.CopyChannels;
import dev.strata.schemas.fold.RowDecoder;
import dev.strata.schemas.fold.TableShape;
import java.sql.SQLException;
import org.postgresql.copy.CopyManager;

/** One COPY into one table, text or binary. */
public interface TableLoad {

    /**
     * Binary COPY when every column of {@code table} has a plain binary form and the caller knows the
     * table's columns have exactly those types (and no value comes as catalog text); else text COPY.
     */
    static TableLoad open(CopyManager copies, TableTarget table, boolean typesExact) throws SQLException {
        return open(CopyChannels.direct(copies), table, typesExact);
    }

    /** As {@link #open(CopyManager, TableTarget, boolean)}, into the COPYs {@code copies} opens. */
    static TableLoad open(CopyChannels copies, TableTarget table, boolean typesExact) throws SQLException {
        return open(copies, table, typesExact, table.shape());
    }

    /** As {@link #open(CopyChannels, TableTarget, boolean)}, the rows going into {@code copyInto}, a table of the same columns. */
    static TableLoad open(CopyChannels copies, TableTarget table, boolean typesExact, TableShape copyInto) throws SQLException {
        PgBinary.Type[] types = typesExact && !table.textValues() ? BinaryCopyRun.typesOf(table) : null;
        return types != null ? new BinaryCopyRun(copies, table, types, copyInto) : new CopyRun(copies, table, copyInto);
    }

    /** The columns whose strings the load takes as UTF-8 bytes: the text columns of a binary COPY; null for a text COPY. */
    static boolean[] utf8TextColumns(TableTarget table, boolean typesExact) {
        PgBinary.Type[] types = typesExact && !table.textValues() ? BinaryCopyRun.typesOf(table) : null;
        if (types == null) {
            return null;
        }
        boolean[] text = new boolean[types.length];
        for (int i = 0; i < types.length; i++) {
            text[i] = types[i] == PgBinary.Type.TEXT;
        }
        return text;
    }

    TableTarget table();

    void write(Object[] values) throws SQLException;

    /**
     * Writes a row from its folded bytes, without making values of them, when this load and the row allow it (a binary
     * COPY, a row in the final columns: {@link RowDecoder#writeTo}); false: nothing written, give it to {@link #write(Object[])}.
     */
    default boolean write(RowDecoder decoder, byte[] version, int finalShapeId) throws SQLException {
        return false;
    }

    long rows();

    /** Sends what is buffered and ends the COPY; returns the rows the server counted. */
    long finish() throws SQLException;

    void cancel();
}
