package dev.strata.restore.target;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.sql.SQLException;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;

/**
 * COPY ... FROM STDIN (FORMAT binary) into a table the restore created, when every column has a
 * plain binary form ({@link PgBinary}): no text to format in Java nor to parse in Postgres.
 */
final class BinaryCopyRun implements TableLoad {
    private static final int FLUSH_AT = 1 << 20;
    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0};

    private final TableTarget table;
    private final PgBinary.Type[] types;
    private final CopyIn copy;
    private final RowBuffer buffer = new RowBuffer(FLUSH_AT + 65536);
    private final DataOutputStream out = new DataOutputStream(buffer);
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

    BinaryCopyRun(CopyManager copies, TableTarget table, PgBinary.Type[] types) throws SQLException {
        this.table = table;
        this.types = types;
        this.copy = copies.copyIn(PgDdl.copy(table.shape()).replace("(FORMAT text)", "(FORMAT binary)"));
        try {
            out.write(SIGNATURE);
            out.writeInt(0); // flags
            out.writeInt(0); // header extension length
        } catch (IOException e) {
            throw new IllegalStateException("cannot buffer in memory", e);
        }
    }

    @Override
    public TableTarget table() {
        return table;
    }

    @Override
    public void write(Object[] values) throws SQLException {
        try {
            out.writeShort(values.length);
            for (int i = 0; i < values.length; i++) {
                PgBinary.write(out, types[i], values[i]);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot buffer in memory", e);
        } catch (IllegalArgumentException | ClassCastException e) {
            throw new SQLException("a value of " + table.name() + " does not fit its captured type: " + e.getMessage(), e);
        }
        rows++;
        if (buffer.size >= FLUSH_AT) {
            flush();
        }
    }

    @Override
    public long rows() {
        return rows;
    }

    @Override
    public long finish() throws SQLException {
        try {
            out.writeShort(-1);
        } catch (IOException e) {
            throw new IllegalStateException("cannot buffer in memory", e);
        }
        flush();
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

    private void flush() throws SQLException {
        copy.writeToCopy(buffer.bytes, 0, buffer.size);
        buffer.size = 0;
    }

    /**
     * The rows' bytes before they are sent: ByteArrayOutputStream without its locks. DataOutputStream
     * writes an int as four single-byte writes, each a synchronized call there: about 40 lock
     * round trips per row of eight columns, for a buffer only this thread ever touches.
     */
    private static final class RowBuffer extends OutputStream {
        private byte[] bytes;
        private int size;

        RowBuffer(int capacity) {
            bytes = new byte[capacity];
        }

        @Override
        public void write(int b) {
            if (size == bytes.length) {
                bytes = Arrays.copyOf(bytes, bytes.length * 2);
            }
            bytes[size++] = (byte) b;
        }

        @Override
        public void write(byte[] from, int off, int len) {
            if (size + len > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + len));
            }
            System.arraycopy(from, off, bytes, size, len);
            size += len;
        }
    }
}
