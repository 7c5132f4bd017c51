package dev.strata.restore.target;

import dev.strata.schemas.avro.Column;
import dev.strata.schemas.avro.Unsent;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A change event's columns as {@code psql} prints their values: how {@code history} shows rows and the erasure ledger names keys. */
public final class ColumnText {
    /** How an unchanged TOASTed value reads when its earlier version is not among those read. */
    public static final String UNCHANGED = "(unchanged TOAST value)";

    private ColumnText() {
    }

    /** Column name to Postgres text, in the event's column order; NULL stays null. */
    public static Map<String, String> of(List<Column> columns) {
        Map<String, String> text = new LinkedHashMap<>();
        if (columns != null) {
            for (Column column : columns) {
                text.put(column.getName(), text(column));
            }
        }
        return text;
    }

    private static String text(Column column) {
        Object value = column.getValue();
        if (value instanceof Unsent) {
            return UNCHANGED;
        }
        if (value instanceof ByteBuffer buffer) {
            byte[] bytes = new byte[buffer.remaining()];
            buffer.duplicate().get(bytes);
            value = bytes;
        }
        return PgText.text(PgText.Kind.of(column.getPgType()), value);
    }
}
