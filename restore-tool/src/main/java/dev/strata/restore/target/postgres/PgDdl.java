package dev.strata.restore.target.postgres;

import dev.strata.restore.BadInputException;
import dev.strata.schemas.fold.TableShape;
import java.util.List;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * The SQL a restore sends besides data: quoted identifiers, CREATE TABLE from captured types, the
 * primary key added after the load. A captured type is spliced into DDL, so it is checked first:
 * the backup is verified, but a type name must still not be able to end the statement.
 */
final class PgDdl {
    private static final Pattern TYPE = Pattern.compile("[A-Za-z_\"][A-Za-z0-9_ ,.()\\[\\]\"$]*");

    private PgDdl() {
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    static String qualified(TableShape shape) {
        return quote(shape.schemaName()) + "." + quote(shape.tableName());
    }

    static String createSchema(TableShape shape) {
        return "CREATE SCHEMA IF NOT EXISTS " + quote(shape.schemaName());
    }

    /**
     * Without the primary key: it is added after the load (one index build instead of a million inserts
     * into it).
     *
     * @param keyNotNull the key columns NOT NULL from the start, as the key will make them anyway: otherwise
     *     adding the key scans the whole table once more to prove they hold no NULL
     */
    static String createTable(TableShape shape, boolean keyNotNull) {
        StringJoiner columns = new StringJoiner(", ", "CREATE TABLE " + qualified(shape) + " (", ")");
        for (int i = 0; i < shape.columns().size(); i++) {
            String column = shape.columns().get(i);
            columns.add(quote(column) + " " + checkedType(shape, i) + (keyNotNull && shape.keyColumns().contains(column) ? " NOT NULL" : ""));
        }
        return columns.toString();
    }

    static String addPrimaryKey(TableShape shape) {
        return "ALTER TABLE " + qualified(shape) + " ADD PRIMARY KEY " + columnList(shape.keyColumns());
    }

    static String copy(TableShape shape) {
        return "COPY " + qualified(shape) + " " + columnList(shape.columns()) + " FROM STDIN (FORMAT text)";
    }

    static String columnList(List<String> columns) {
        StringJoiner list = new StringJoiner(", ", "(", ")");
        columns.forEach(c -> list.add(quote(c)));
        return list.toString();
    }

    static String checkedType(TableShape shape, int column) {
        String type = shape.pgTypes().get(column);
        if (!TYPE.matcher(type).matches() || type.contains("--") || !balanced(type)) {
            throw new BadInputException("table " + shape.table() + ", column " + shape.columns().get(column) + ": the captured type '"
                    + type + "' is not a plain type name; create the table yourself and restore into it (it must be empty)");
        }
        return type;
    }

    private static boolean balanced(String type) {
        int depth = 0;
        int quotes = 0;
        for (char c : type.toCharArray()) {
            if (c == '"') {
                quotes++;
            } else if (quotes % 2 == 0 && (c == '(' || c == '[')) {
                depth++;
            } else if (quotes % 2 == 0 && (c == ')' || c == ']')) {
                if (--depth < 0) {
                    return false;
                }
            }
        }
        return depth == 0 && quotes % 2 == 0;
    }
}
