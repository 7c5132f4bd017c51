package dev.strata.restore.target.postgres;

import dev.strata.restore.BadInputException;
import dev.strata.restore.ExitCodes;
import dev.strata.restore.UnavailableException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * An operator's SQL predicate over a table's rows ({@code --where}), spliced into statements as
 * {@code (predicate)}: so it must be ONE expression. Outside string literals and quoted identifiers
 * it may hold no {@code ;} (a second statement), no comment (which could swallow the closing
 * parenthesis) and no parenthesis closing one it did not open. Whether it names only columns the
 * table has, and is a boolean, the server decides ({@link #check}, by planning it: nothing runs).
 * It is the operator's own SQL, run with the operator's database role, as in psql.
 */
public record RowPredicate(String sql) {

    /** @throws BadInputException naming what is wrong, when {@code text} is not one expression */
    public static RowPredicate parse(String text) {
        String trimmed = text == null ? "" : text.strip();
        if (trimmed.isEmpty()) {
            throw new BadInputException("--where is empty: give a SQL predicate over the table's columns, e.g. --where \"id > 100\"");
        }
        int depth = 0;
        for (int i = 0; i < trimmed.length(); i++) {
            char c = trimmed.charAt(i);
            if (c == '\'' || c == '"') {
                i = closing(trimmed, i, c, c == '\'' && escapeString(trimmed, i));
            } else if (c == '$' && dollarTag(trimmed, i) != null) {
                String tag = dollarTag(trimmed, i);
                int end = trimmed.indexOf(tag, i + tag.length());
                if (end < 0) {
                    throw notOne(trimmed, "a dollar-quoted string is not closed");
                }
                i = end + tag.length() - 1;
            } else if (c == ';') {
                throw notOne(trimmed, "it holds ';' (a second statement)");
            } else if (trimmed.startsWith("--", i) || trimmed.startsWith("/*", i)) {
                throw notOne(trimmed, "it holds a comment");
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && --depth < 0) {
                throw notOne(trimmed, "a ')' closes a parenthesis it did not open");
            }
        }
        if (depth != 0) {
            throw notOne(trimmed, "a '(' is not closed");
        }
        return new RowPredicate(trimmed);
    }

    /** {@code (predicate)}, ready to follow WHERE or AND. */
    public String parenthesized() {
        return "(" + sql + ")";
    }

    /**
     * Plans {@code SELECT 1 FROM table alias WHERE (predicate)} on the server, so a column the table
     * lacks, a type error or a non-boolean predicate is refused before anything is written.
     *
     * @param table the quoted, qualified name the statement uses
     * @param name the table as the operator knows it, for the message
     */
    public void check(Connection connection, String table, String name) {
        try (Statement s = connection.createStatement()) {
            s.execute("EXPLAIN SELECT 1 FROM " + table + " WHERE " + parenthesized());
        } catch (SQLException e) {
            if (ExitCodes.unavailable(e)) {
                throw new UnavailableException("cannot check --where against table " + name + ": " + e.getMessage()
                        + " (check that the server is up and reachable, then retry)", e);
            }
            String why = e.getMessage().replaceFirst("^ERROR: ", "").replaceAll("\\s+Position: \\d+$", "").replaceAll("\\s*\\n\\s*", "; ");
            throw new BadInputException("--where \"" + sql + "\" does not fit table " + name + ": " + why
                    + ("42703".equals(e.getSQLState()) ? " (" + name + " has no such column: leave the table out with --table, or"
                    + " name only columns every restored table has)" : " (give a boolean SQL expression over the table's columns)"));
        }
    }

    /** Whether the literal opening at {@code quote} is an escape string ({@code E'...'}), where a backslash escapes a quote. */
    private static boolean escapeString(String text, int quote) {
        if (quote == 0 || Character.toUpperCase(text.charAt(quote - 1)) != 'E') {
            return false;
        }
        return quote == 1 || !(Character.isLetterOrDigit(text.charAt(quote - 2)) || text.charAt(quote - 2) == '_');
    }

    private static int closing(String text, int open, char quote, boolean backslashEscapes) {
        for (int i = open + 1; i < text.length(); i++) {
            if (backslashEscapes && text.charAt(i) == '\\') {
                i++;
            } else if (text.charAt(i) == quote) {
                if (i + 1 < text.length() && text.charAt(i + 1) == quote) {
                    i++; // a doubled quote stands for itself
                } else {
                    return i;
                }
            }
        }
        throw notOne(text, (quote == '"' ? "a quoted identifier" : "a string literal") + " is not closed");
    }

    /** {@code $tag$} starting at {@code at}, or null when the {@code $} starts none (e.g. a parameter {@code $1}). */
    private static String dollarTag(String text, int at) {
        int i = at + 1;
        while (i < text.length() && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '_')) {
            i++;
        }
        if (i >= text.length() || text.charAt(i) != '$' || (i > at + 1 && Character.isDigit(text.charAt(at + 1)))) {
            return null;
        }
        return text.substring(at, i + 1);
    }

    private static BadInputException notOne(String text, String why) {
        return new BadInputException("--where \"" + text + "\" is not one SQL expression: " + why + "; give a single predicate over"
                + " the table's columns, e.g. --where \"customer_id = 42 AND created_at >= '2026-11-01'\"");
    }
}
