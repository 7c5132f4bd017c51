package dev.strata.restore.rollback;

import java.util.List;
import java.util.StringJoiner;
import java.util.function.Function;

/** Identifiers and the column lists a rollback's statements are built from; values are always bound, never spliced. */
final class Sql {
    private Sql() {
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    /** {@code schema.table} (public when unqualified) as a quoted name. */
    static String qualified(String table) {
        int dot = table.indexOf('.');
        return dot < 0 ? quote("public") + "." + quote(table) : quote(table.substring(0, dot)) + "." + quote(table.substring(dot + 1));
    }

    static String join(List<String> columns, String separator, Function<String, String> each) {
        StringJoiner joined = new StringJoiner(separator);
        columns.forEach(c -> joined.add(each.apply(quote(c))));
        return joined.toString();
    }
}
