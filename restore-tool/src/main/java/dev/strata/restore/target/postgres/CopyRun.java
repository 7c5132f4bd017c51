package dev.strata.restore.target.postgres;

import dev.strata.restore.target.PgText;
import dev.strata.restore.target.TableTarget;
import dev.strata.restore.target.postgres.copy.CopyChannel;
import dev.strata.restore.target.postgres.copy.CopyChannels;
import dev.strata.schemas.fold.TableShape;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;

/**
 * One COPY ... FROM STDIN (text format) into one table: rows are written as text lines into a
 * buffer and sent in large chunks. Text rather than binary on purpose: each value goes through the
 * column type's own input function, which is what makes the restored {@code row::text} equal the
 * source's for every type, including those without a stable binary form (enums, domains, arrays).
 * Used for existing tables and for tables with a column type {@link PgBinary} does not cover.
 */
public final class CopyRun implements TableLoad {
    private static final int FLUSH_AT = 1 << 20;
    private static final char[] ESCAPED = new char[128];

    static {
        ESCAPED['\\'] = '\\';
        ESCAPED['\n'] = 'n';
        ESCAPED['\r'] = 'r';
        ESCAPED['\t'] = 't';
    }

    private final TableTarget table;
    private final CopyChannel copy;
    private final StringBuilder buffer = new StringBuilder(FLUSH_AT + 4096);
    private long rows;

    /** @param copyInto the table the rows go into: {@code table}'s own, or one of the same columns standing in for it */
    public CopyRun(CopyChannels copies, TableTarget table, TableShape copyInto) throws SQLException {
        this.table = table;
        this.copy = copies.open(PgDdl.copy(copyInto), false);
    }

    @Override
    public TableTarget table() {
        return table;
    }

    @Override
    public void write(Object[] values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                buffer.append('\t');
            }
            Object value = values[i];
            if (value == null) {
                buffer.append("\\N");
            } else if (value instanceof String s) {
                appendEscaped(s);
            } else if (value instanceof byte[]) {
                buffer.append('\\'); // the \x of bytea's hex form, itself escaped
                PgText.append(buffer, table.kind(i), value);
            } else {
                PgText.append(buffer, table.kind(i), value);
            }
        }
        buffer.append('\n');
        rows++;
        if (buffer.length() >= FLUSH_AT) {
            flush();
        }
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

    private void appendEscaped(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c < 128 && ESCAPED[c] != 0) {
                buffer.append('\\').append(ESCAPED[c]);
            } else {
                buffer.append(c);
            }
        }
    }

    private void flush() throws SQLException {
        if (buffer.length() == 0) {
            return;
        }
        byte[] bytes = buffer.toString().getBytes(StandardCharsets.UTF_8);
        buffer.setLength(0);
        copy.write(bytes, bytes.length);
    }
}
