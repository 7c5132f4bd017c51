package dev.strata.capture.pg;

/**
 * One column's Postgres type as the catalog declares it.
 *
 * @param declared the type as {@code format_type} writes it, e.g. {@code numeric(12,2)}, {@code integer[]}; this is
 *     {@code Column.pgType}
 * @param name the declared type's own {@code typname} (a domain's name for a domain), e.g. {@code int4}, {@code _text}
 * @param base the {@code typname} below any domains, e.g. {@code int4}, {@code _text}, {@code mood}
 * @param category the base type's {@code typcategory}: {@code A} array, {@code E} enum, {@code N} numeric, ...
 */
public record PgColumnType(String declared, String name, String base, char category) {
    public static final char ARRAY = 'A';
    static final char ENUM = 'E';

    /** Best effort from what Debezium propagates, for a column the catalog no longer has (dropped since). */
    static PgColumnType fromDebezium(String typeName, Integer length, Integer scale) {
        String base = typeName.toLowerCase(java.util.Locale.ROOT);
        char category = base.startsWith("_") ? ARRAY : 'X';
        String declared = base.startsWith("_") ? base.substring(1) + "[]" : base;
        if (("varchar".equals(base) || "bpchar".equals(base)) && length != null && length > 0 && length < Integer.MAX_VALUE) {
            declared = base + "(" + length + ")";
        } else if ("numeric".equals(base) && length != null && length > 0 && length <= 1000) {
            declared = "numeric(" + length + "," + (scale == null ? 0 : scale) + ")";
        }
        return new PgColumnType(declared, base, base, category);
    }
}
