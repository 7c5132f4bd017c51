package dev.strata.restore.testing;

import java.util.List;

/**
 * A table of the source database as the capture simulator needs it: its columns with their
 * declared type (as {@code format_type} writes it) and the SQL that reads each value in the form
 * capture stores it (PgValueCodec's contract), its key columns, and where its tenant comes from.
 *
 * @param tenantColumn the shared-schema tenant column, or null for a schema-per-tenant table
 */
public record SourceTable(String name, List<ColumnSpec> columns, List<String> key, String tenantColumn) {

    /** LONG_OR_TEXT: a number, or a word such as 'infinity' (capture's form of dates and timestamps). */
    public enum Form { LONG, DOUBLE, BOOLEAN, TEXT, BYTES, LONG_OR_TEXT }

    /** @param read a SQL expression over {@code $c} (the column) giving the captured form, e.g. {@code $c::text} */
    public record ColumnSpec(String name, String pgType, Form form, String read) {
        public String select() {
            return read.replace("$c", "\"" + name + "\"") + " AS \"" + name + "\"";
        }
    }

    public static ColumnSpec col(String name, String pgType, Form form) {
        return new ColumnSpec(name, pgType, form, "$c");
    }

    public static ColumnSpec col(String name, String pgType, Form form, String read) {
        return new ColumnSpec(name, pgType, form, read);
    }

    public String schema() {
        return name.substring(0, name.indexOf('.'));
    }
}
