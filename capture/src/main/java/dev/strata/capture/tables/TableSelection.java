package dev.strata.capture.tables;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

/**
 * What {@code strata.capture.tables} selects: entries {@code schema.table}, each part either a plain
 * name (matched exactly), {@code *} (every name) or a Java regular expression (matched whole). The
 * entry is split at its first {@code \.} when it has one, else at its first dot, so
 * {@code public.*} is every table of schema public and {@code tenant_.*\.orders} the orders table of
 * every schema whose name starts with tenant_. Pure.
 *
 * <p>Why the parts matter: the publication must cover every table the selection can ever match, and
 * a table created later is covered from its creation only by a publication of whole schemas
 * (every schema part a plain name) or of all tables (a schema pattern). See {@link PublicationShape}.
 */
public final class TableSelection {
    static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*");
    static final String ANY = "*";

    /** One entry; a null pattern means the part is a plain name. */
    record Entry(String text, String schema, Pattern schemaPattern, String table, Pattern tablePattern) {
        boolean exact() {
            return schemaPattern == null && tablePattern == null;
        }

        boolean matches(String schemaName, String tableName) {
            return (schemaPattern == null ? schema.equals(schemaName) : schemaPattern.matcher(schemaName).matches())
                    && (tablePattern == null ? table.equals(tableName) : tablePattern.matcher(tableName).matches());
        }

        /** The same selection as one of Debezium's table.include.list expressions (matched against schema.table). */
        String debeziumRegex() {
            return part(schema, schemaPattern) + "\\." + part(table, tablePattern);
        }

        private static String part(String name, Pattern pattern) {
            // a plain name: only $ means something in a regular expression
            return pattern == null ? name.replace("$", "\\$") : "(?:" + pattern.pattern() + ")";
        }
    }

    private final List<Entry> entries;

    private TableSelection(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /**
     * @throws IllegalArgumentException naming the entry and what is wrong with it
     */
    public static TableSelection parse(List<String> texts) {
        List<Entry> entries = new ArrayList<>();
        for (String text : new LinkedHashSet<>(texts)) {
            if (!text.isBlank()) {
                entries.add(entry(text.trim()));
            }
        }
        return new TableSelection(entries);
    }

    private static Entry entry(String text) {
        int escaped = text.indexOf("\\.");
        int split = escaped >= 0 ? escaped : text.indexOf('.');
        if (split <= 0 || split == text.length() - (escaped >= 0 ? 2 : 1)) {
            throw new IllegalArgumentException("'" + text + "' is not schema.table: write a schema and a table, each a name, * or a"
                    + " regular expression (for example public.orders, public.* or tenant_.*\\.orders)");
        }
        String schema = text.substring(0, split);
        String table = text.substring(split + (escaped >= 0 ? 2 : 1));
        return new Entry(text, schema, pattern(text, schema), table, pattern(text, table));
    }

    /** Null for a plain name. */
    private static Pattern pattern(String entry, String part) {
        if (NAME.matcher(part).matches()) {
            return null;
        }
        try {
            return Pattern.compile(ANY.equals(part) ? "[^.]+" : part);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("'" + entry + "': '" + part + "' is neither a name nor a regular expression ("
                    + e.getDescription() + "); separate a schema pattern from its table with \\. (for example tenant_.*\\.orders)");
        }
    }

    /** Whether {@code schema.table} is selected. */
    public boolean matches(String qualifiedTable) {
        int dot = qualifiedTable.indexOf('.');
        return dot > 0 && matches(qualifiedTable.substring(0, dot), qualifiedTable.substring(dot + 1));
    }

    public boolean matches(String schema, String table) {
        return entries.stream().anyMatch(e -> e.matches(schema, table));
    }

    /** True when every entry names one table: the publication can list them, no table created later is selected. */
    public boolean exactOnly() {
        return entries.stream().allMatch(Entry::exact);
    }

    /** True when some entry's schema part is a pattern: only a publication of all tables covers what it may select later. */
    public boolean schemaPatterns() {
        return entries.stream().anyMatch(e -> e.schemaPattern() != null);
    }

    /** Schemas of the entries with a table pattern (every one a plain name unless {@link #schemaPatterns()}). */
    public Set<String> patternSchemas() {
        return entries.stream().filter(e -> !e.exact()).map(Entry::schema).collect(Collectors.toCollection(LinkedHashSet::new));
    }

    /** The tables named exactly, schema.table. */
    public List<String> exactTables() {
        return entries.stream().filter(Entry::exact).map(e -> e.schema() + "." + e.table()).toList();
    }

    /** Debezium's table.include.list for the same selection. */
    public String debeziumIncludeList() {
        return entries.stream().map(Entry::debeziumRegex).collect(Collectors.joining(","));
    }

    /** The entries as configured: what the publication's comment records. */
    public List<String> texts() {
        return entries.stream().map(Entry::text).toList();
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    @Override
    public String toString() {
        return String.join(",", texts());
    }
}
