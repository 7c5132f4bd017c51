package dev.strata.restore.target;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Rows as JSON for the NDJSON and Kafka targets: whole numbers, doubles and booleans as JSON
 * values; times, numerics, text, arrays and bytea in their Postgres text (exact, and what a
 * {@code psql} user would read); NaN and infinities as strings.
 */
final class RowJson {
    static final JsonFactory JSON = JsonFactory.builder().build();

    private RowJson() {
    }

    /** {@code {"id":5,"name":"x"}} in the table's column order. */
    static void writeRow(JsonGenerator g, FoldedRow row) throws IOException {
        g.writeStartObject();
        Object[] values = row.values();
        for (int i = 0; i < values.length; i++) {
            g.writeFieldName(row.shape().columns().get(i));
            writeValue(g, row.table().kind(i), values[i]);
        }
        g.writeEndObject();
    }

    /** {@code {"id":5}}: the key columns (every column for a keyless table). */
    static void writeKey(JsonGenerator g, FoldedRow row) throws IOException {
        g.writeStartObject();
        Object[] key = row.key();
        for (int i = 0; i < key.length; i++) {
            g.writeFieldName(row.table().keyName(i));
            writeValue(g, row.table().keyKind(i), key[i]);
        }
        g.writeEndObject();
    }

    /** {@code {"table":"public.orders","key":{"id":5}}}: a Kafka record key. */
    static byte[] keyRecord(FoldedRow row) {
        return bytes(g -> {
            g.writeStartObject();
            g.writeStringField("table", row.table().name());
            g.writeFieldName("key");
            writeKey(g, row);
            g.writeEndObject();
        });
    }

    static byte[] rowRecord(FoldedRow row) {
        return bytes(g -> writeRow(g, row));
    }

    static void writeValue(JsonGenerator g, PgText.Kind kind, Object value) throws IOException {
        if (value == null) {
            g.writeNull();
        } else if (value instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (value instanceof Long l && !kind.temporal()) {
            g.writeNumber(l);
        } else if (value instanceof Double d && !d.isNaN() && !d.isInfinite()) {
            g.writeNumber(PgText.text(kind, d));
        } else {
            g.writeString(PgText.text(kind, value));
        }
    }

    interface Writer {
        void write(JsonGenerator g) throws IOException;
    }

    static byte[] bytes(Writer writer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            writer.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write JSON: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }
}
