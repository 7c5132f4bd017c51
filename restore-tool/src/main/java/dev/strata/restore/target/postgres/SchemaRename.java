package dev.strata.restore.target.postgres;

import dev.strata.restore.BadInputException;
import dev.strata.restore.target.TableTarget;
import dev.strata.schemas.ddl.DefinedColumn;
import dev.strata.schemas.ddl.TableDefinition;
import dev.strata.schemas.fold.TableShape;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A restore into one new schema of an existing database ({@code --schema NAME}), e.g. beside the
 * live tables: every restored table, whatever its source schema, goes into NAME, and its definition
 * is rewritten to match. The restored tables and their owned sequences are the only objects moved:
 * where a default, a constraint or an index names one of them qualified by its source schema, the
 * name is requalified with NAME (a foreign key then references the restored parent, a serial
 * default the restored sequence, an index is built on the restored table); an unqualified name
 * resolves to NAME first, since the DDL runs with NAME at the head of the search path. Anything
 * else (types, functions) is left as the source named it, found in the same database.
 */
final class SchemaRename {
    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Pattern QUOTED_PAIR = Pattern.compile("(\"(?:[^\"]|\"\")*\"|[^.\"]+)\\.(\"(?:[^\"]|\"\")*\"|[^.\"]+)");

    private final String schema;
    private final List<Pattern> moved = new ArrayList<>();
    private final Map<String, String> tables = new HashMap<>();

    private SchemaRename(String schema, List<TableTarget> restored) {
        this.schema = schema;
        Map<String, String> byName = new HashMap<>();
        for (TableTarget table : restored) {
            TableShape shape = table.shape();
            String other = byName.put(shape.tableName(), shape.table());
            if (other != null) {
                throw new BadInputException("--schema " + schema + ": the tenant has two tables named " + shape.tableName() + ", "
                        + other + " and " + shape.table() + ", which would both be " + schema + "." + shape.tableName()
                        + ": restore them one at a time with --table, each into its own --schema");
            }
            tables.put(shape.table(), schema + "." + shape.tableName());
            moved.add(qualifiedName(shape.schemaName(), shape.tableName()));
            table.definition().ifPresent(d -> d.sequences().forEach(s -> qualifiedName(s.sequence()).ifPresent(moved::add)));
        }
    }

    /**
     * @param schema the new schema's name: lower-case letters, digits and _, as an unquoted identifier is
     * @param restored the tables of the restore
     */
    static SchemaRename to(String schema, List<TableTarget> restored) {
        if (!NAME.matcher(schema).matches()) {
            throw new BadInputException("--schema " + schema + ": give a plain lower-case name (letters, digits, _; at most 63),"
                    + " e.g. --schema restore_acme");
        }
        return new SchemaRename(schema, restored);
    }

    String schema() {
        return schema;
    }

    /** Refuses a schema that exists and holds anything (a table, sequence, view, function or type). */
    void requireEmpty(Connection connection, String target) throws SQLException {
        String sql = "SELECT (SELECT count(*) FROM pg_class c WHERE c.relnamespace = n.oid)"
                + " + (SELECT count(*) FROM pg_proc p WHERE p.pronamespace = n.oid)"
                + " + (SELECT count(*) FROM pg_type t WHERE t.typnamespace = n.oid AND t.typrelid = 0 AND t.typelem = 0)"
                + " FROM pg_namespace n WHERE n.nspname = ?";
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            s.setString(1, schema);
            try (ResultSet r = s.executeQuery()) {
                if (r.next() && r.getLong(1) > 0) {
                    throw new BadInputException("--schema " + schema + ": schema " + schema + " in " + target + " already holds " + r.getLong(1)
                            + " object(s): give a new schema name, or drop it first (DROP SCHEMA " + schema + " CASCADE)");
                }
            }
        }
    }

    /** Puts the new schema first in this transaction's search path, for the names the definitions leave unqualified. */
    void searchFirst(Connection connection) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(
                "SELECT set_config('search_path', quote_ident(?) || ', ' || current_setting('search_path'), true)")) {
            s.setString(1, schema);
            s.executeQuery().close();
        }
    }

    TableTarget rename(TableTarget table) {
        TableShape shape = table.shape();
        TableShape renamed = new TableShape(tables.get(shape.table()), shape.columns(), shape.pgTypes(), shape.keyColumns());
        return new TableTarget(renamed, table.definition().map(this::rename), table.textValues());
    }

    /** {@code schema.table} of the restored table named {@code table} in its source, or the name unchanged when it is not restored. */
    String table(String table) {
        return tables.getOrDefault(table, table);
    }

    private TableDefinition rename(TableDefinition d) {
        List<DefinedColumn> columns = d.columns().stream().map(c -> new DefinedColumn(c.attnum(), c.name(), c.type(), c.notNull(),
                rewrite(c.defaultExpression()), c.identity(), c.generated(), c.missingValue(), c.hasMissingValue(), c.dropped())).toList();
        List<TableDefinition.Constraint> constraints = d.constraints().stream().map(c -> new TableDefinition.Constraint(c.name(), c.type(),
                rewrite(c.definition()), c.references() == null ? null : table(c.references()))).toList();
        List<TableDefinition.Index> indexes = d.indexes().stream().map(i -> new TableDefinition.Index(i.name(), rewrite(i.definition())))
                .toList();
        List<TableDefinition.OwnedSequence> sequences = d.sequences().stream()
                .map(s -> new TableDefinition.OwnedSequence(s.column(), rewrite(s.sequence()), s.identity())).toList();
        return new TableDefinition(d.tag(), table(d.table()), columns, d.primaryKey(), constraints, indexes, sequences);
    }

    /** Requalifies every moved object the text names with its source schema. */
    String rewrite(String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (Pattern object : moved) {
            Matcher m = object.matcher(out);
            out = m.replaceAll(r -> PgDdl.quote(schema) + "." + Matcher.quoteReplacement(r.group(2)));
        }
        return out;
    }

    /** {@code schema.name} as quote_ident writes it: a quoted part is matched quoted, a plain one plain or quoted. */
    private static Optional<Pattern> qualifiedName(String quotedSchemaDotName) {
        Matcher parts = QUOTED_PAIR.matcher(quotedSchemaDotName);
        return parts.matches() ? Optional.of(qualifiedName(unquote(parts.group(1)), unquote(parts.group(2)))) : Optional.empty();
    }

    private static Pattern qualifiedName(String schema, String name) {
        return Pattern.compile("(?<![\\w$.\"])(" + identifier(schema) + ")\\.(" + identifier(name) + ")(?![\\w$])");
    }

    private static String identifier(String name) {
        String quoted = Pattern.quote(PgDdl.quote(name));
        return NAME.matcher(name).matches() ? Pattern.quote(name) + "|" + quoted : quoted;
    }

    private static String unquote(String part) {
        return part.startsWith("\"") ? part.substring(1, part.length() - 1).replace("\"\"", "\"") : part;
    }
}
