package dev.strata.restore.target.postgres;

import dev.strata.restore.target.TableTarget;
import dev.strata.restore.target.postgres.copy.CopyChannel;
import dev.strata.restore.target.postgres.copy.CopyChannels;
import dev.strata.schemas.fold.RowDecoder;
import dev.strata.schemas.fold.TableShape;
import java.sql.SQLException;

/**
 * COPY ... FROM STDIN (FORMAT binary) into a table the restore created, when every column has a
 * plain binary form ({@link PgBinary}): no text to format in Java nor to parse in Postgres.
 */
final class BinaryCopyRun implements TableLoad {
    private static final int FLUSH_AT = 1 << 20;

    private final TableTarget table;
    private final PgBinary.Type[] types;
    private final CopyChannel copy;
    private final CopyBuffer buffer = new CopyBuffer(FLUSH_AT + 65536);
    private final BinaryValues values;
    private long rows;

    /** The binary types of every column, or null when one has none. */
    static PgBinary.Type[] typesOf(TableTarget table) {
        PgBinary.Type[] types = new PgBinary.Type[table.shape().pgTypes().size()];
        for (int i = 0; i < types.length; i++) {
            types[i] = PgBinary.of(table.shape().pgTypes().get(i));
            if (types[i] == null) {
                return null;
            }
        }
        return types;
    }

    /** @param copyInto the table the rows go into: {@code table}'s own, or one of the same columns standing in for it */
    BinaryCopyRun(CopyChannels copies, TableTarget table, PgBinary.Type[] types, TableShape copyInto) throws SQLException {
        this.table = table;
        this.types = types;
        this.values = new BinaryValues(types, buffer);
        this.copy = copies.open(PgDdl.copy(copyInto).replace("(FORMAT text)", "(FORMAT binary)"), true);
    }

    @Override
    public TableTarget table() {
        return table;
    }

    @Override
    public void write(Object[] row) throws SQLException {
        buffer.putShort(row.length);
        try {
            for (int i = 0; i < row.length; i++) {
                values.value(i, row[i]);
            }
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw doesNotFit(e);
        }
        rowWritten();
    }

    @Override
    public boolean write(RowDecoder decoder, byte[] version, int finalShapeId) throws SQLException {
        int rowStart = buffer.size();
        buffer.putShort(types.length);
        try {
            if (!decoder.writeTo(version, finalShapeId, values)) {
                buffer.truncate(rowStart);
                return false;
            }
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw doesNotFit(e);
        }
        rowWritten();
        return true;
    }

    private void rowWritten() throws SQLException {
        rows++;
        if (buffer.size() >= FLUSH_AT) {
            flush();
        }
    }

    private SQLException doesNotFit(RuntimeException e) {
        return new SQLException("a value of " + table.name() + " does not fit its captured type: " + e.getMessage(), e);
    }

    @Override
    public long rows() {
        return rows;
    }

    @Override
    public long finish() throws SQLException {
        flush();
        return copy.end();
    }

    @Override
    public void cancel() {
        copy.cancel();
    }

    private void flush() throws SQLException {
        if (buffer.size() > 0) {
            copy.write(buffer.bytes(), buffer.size());
            buffer.truncate(0);
        }
    }
}
