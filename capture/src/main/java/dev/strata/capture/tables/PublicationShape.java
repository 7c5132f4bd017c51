package dev.strata.capture.tables;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the publication must publish for a {@link TableSelection}, and the statement that creates it.
 * A table created later is in the publication from its creation, in the same transaction as its
 * CREATE TABLE, only when the publication covers it by its schema or covers all tables; a table added
 * by ALTER PUBLICATION is published from that ALTER's commit on, so rows written before it would be
 * lost. Hence: exact names only -> {@code FOR TABLE} (any owner of the tables may create it); table
 * patterns in plain schemas -> {@code FOR TABLES IN SCHEMA} (plus the exact tables elsewhere); a schema
 * pattern -> {@code FOR ALL TABLES}. The last two need a superuser (PostgreSQL's rule). The signal
 * table is always published: Debezium reads its signals and snapshot watermarks from the WAL.
 *
 * @param schemas published whole (empty for all tables)
 * @param tables published by name, schema.table (empty for all tables)
 */
public record PublicationShape(boolean allTables, Set<String> schemas, Set<String> tables) {
    public PublicationShape {
        schemas = Set.copyOf(new TreeSet<>(schemas));
        tables = Set.copyOf(new TreeSet<>(tables));
    }

    public static PublicationShape of(TableSelection selection, String signalTable) {
        if (selection.schemaPatterns()) {
            return new PublicationShape(true, Set.of(), Set.of());
        }
        Set<String> schemas = new TreeSet<>(selection.patternSchemas());
        Set<String> tables = new TreeSet<>();
        for (String table : selection.exactTables()) {
            if (!schemas.contains(schemaOf(table))) {
                tables.add(table);
            }
        }
        if (!schemas.contains(schemaOf(signalTable))) {
            tables.add(signalTable);
        }
        return new PublicationShape(false, schemas, tables);
    }

    /** Whether PostgreSQL lets only a superuser create it. */
    public boolean needsSuperuser() {
        return allTables || !schemas.isEmpty();
    }

    public String createSql(String publication) {
        if (allTables) {
            return "CREATE PUBLICATION " + quote(publication) + " FOR ALL TABLES";
        }
        List<String> parts = new ArrayList<>();
        if (!schemas.isEmpty()) {
            parts.add("TABLES IN SCHEMA " + String.join(", ", new TreeSet<>(schemas).stream().map(PublicationShape::quote).toList()));
        }
        if (!tables.isEmpty()) {
            parts.add("TABLE " + String.join(", ", new TreeSet<>(tables).stream().map(PublicationShape::quoteTable).toList()));
        }
        return "CREATE PUBLICATION " + quote(publication) + " FOR " + String.join(", ", parts);
    }

    @Override
    public String toString() {
        if (allTables) {
            return "all tables";
        }
        List<String> parts = new ArrayList<>();
        if (!schemas.isEmpty()) {
            parts.add("schemas " + new TreeSet<>(schemas));
        }
        if (!tables.isEmpty()) {
            parts.add("tables " + new TreeSet<>(tables));
        }
        return String.join(" and ", parts);
    }

    static String schemaOf(String table) {
        return table.substring(0, table.indexOf('.'));
    }

    static String quoteTable(String table) {
        int dot = table.indexOf('.');
        return quote(table.substring(0, dot)) + "." + quote(table.substring(dot + 1));
    }

    static String quote(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
