package dev.strata.capture.pg;

import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;

/**
 * The Postgres type of every column of a change, from the catalog, re-read whenever Debezium's
 * row schema of a table changes (ADD/DROP COLUMN, ALTER TYPE while running) or capture's schema
 * history shows a definition of it ({@link #defined}), whose replica identity it then keeps. A column that the
 * catalog no longer has, or has with another type than the event (a DDL committed after the
 * event), falls back to the type Debezium propagated with the event's schema.
 */
public final class ColumnTypes {
    public static final String SOURCE_TYPE = "__debezium.source.column.type";
    static final String SOURCE_LENGTH = "__debezium.source.column.length";
    static final String SOURCE_SCALE = "__debezium.source.column.scale";
    private static final String DEBEZIUM_ENUM = "io.debezium.data.Enum";

    private final Function<String, Optional<TableShape>> catalog;
    /** Struct schemas change with DDL only; past this many, the old ones are let go rather than kept forever. */
    private static final int MAX_STRUCT_SCHEMAS = 4_096;

    private final Map<String, Cached> byTable = new HashMap<>();
    private final Map<String, ReplicaIdentity> identities = new HashMap<>();
    private final Map<Schema, Typed> byStructSchema = new IdentityHashMap<>();

    private record Cached(Schema rowSchema, TableShape shape) {
    }

    /**
     * The type and value rule of every field of a struct schema, by field index.
     *
     * @param types null where {@link #typeOf} throws: call it for that field to get the reason
     * @param kinds {@link PgValueCodec#kindOf} of each typed field; null where the type is
     */
    public record Typed(TableShape shape, PgColumnType[] types, PgValueCodec.Kind[] kinds) {
    }

    /** @param catalog reads a table's shape now, e.g. {@code TableCatalog::describe} */
    public ColumnTypes(Function<String, Optional<TableShape>> catalog) {
        this.catalog = catalog;
    }

    /**
     * The table's shape as of {@code rowSchema}; pass null (a TRUNCATE has no row) to take the
     * shape last seen, or read it now.
     */
    public TableShape shape(String table, Schema rowSchema) {
        Cached cached = byTable.get(table);
        boolean fresh = cached != null && (rowSchema == null || rowSchema == cached.rowSchema() || rowSchema.equals(cached.rowSchema()));
        if (fresh) {
            return cached.shape();
        }
        if (cached != null && cached.rowSchema() != null) {
            // the row's schema changed with no definition between (DDL the trigger did not see: disabled, or a session
            // as a replica): the catalog's identity, as it always was then, not one the WAL stated before it
            identities.remove(table);
        }
        TableShape read = catalog.apply(table).orElseGet(() -> new TableShape(table, Map.of(), 'n', List.of()));
        ReplicaIdentity inWal = identities.get(table);
        TableShape shape = inWal == null || read.columns().isEmpty() ? read : read.withIdentity(inWal);
        byTable.put(table, new Cached(rowSchema, shape));
        return shape;
    }

    /**
     * A definition of the table in the WAL, read in order with its changes: the table's shape is read again at its next
     * change, and takes {@code identity} (which columns of an old row Postgres sends from here on: an ALTER ... REPLICA
     * IDENTITY shows in no row's schema) over the catalog's, which may already hold a later one. Empty: a definition
     * written without it (an older trigger function): as before there was one, the catalog's at the next schema change.
     */
    public void defined(String table, Optional<ReplicaIdentity> identity) {
        if (identity.isPresent()) {
            identities.put(table, identity.get());
            byTable.remove(table);
        } else if (identities.remove(table) != null) {
            byTable.remove(table);
        }
    }

    /**
     * {@link #typeOf} and {@link PgValueCodec#kindOf} of every field of a row or key schema, worked out
     * once per schema and shape (Debezium reuses its schema objects; {@link #shape} gives a new shape
     * when the table changed).
     */
    public Typed typesOf(TableShape shape, Schema struct) {
        Typed typed = byStructSchema.get(struct);
        if (typed == null || typed.shape() != shape) {
            List<Field> fields = struct.fields();
            PgColumnType[] types = new PgColumnType[fields.size()];
            PgValueCodec.Kind[] kinds = new PgValueCodec.Kind[fields.size()];
            for (int i = 0; i < types.length; i++) {
                try {
                    types[i] = typeOf(shape, fields.get(i));
                    kinds[i] = PgValueCodec.kindOf(types[i], fields.get(i).schema());
                } catch (UnrepresentableValueException untyped) {
                    types[i] = null;
                }
            }
            if (byStructSchema.size() >= MAX_STRUCT_SCHEMAS) {
                byStructSchema.clear();
            }
            typed = new Typed(shape, types, kinds);
            byStructSchema.put(struct, typed);
        }
        return typed;
    }

    /** The type of one field of a row, key or before/after struct. */
    public static PgColumnType typeOf(TableShape shape, Field field) {
        PgColumnType fromCatalog = shape.columns().get(field.name());
        Map<String, String> parameters = field.schema().parameters() == null ? Map.of() : field.schema().parameters();
        String propagated = parameters.get(SOURCE_TYPE);
        if (fromCatalog != null && (propagated == null || propagated.equalsIgnoreCase(fromCatalog.name()))) {
            return fromCatalog;
        }
        if (propagated == null) {
            throw new UnrepresentableValueException("column " + field.name() + " is neither in the catalog nor typed by Debezium");
        }
        PgColumnType fallback = PgColumnType.fromDebezium(propagated, integer(parameters.get(SOURCE_LENGTH)),
                integer(parameters.get(SOURCE_SCALE)));
        return DEBEZIUM_ENUM.equals(field.schema().name())
                ? new PgColumnType(fallback.declared(), fallback.name(), fallback.base(), PgColumnType.ENUM)
                : fallback;
    }

    private static Integer integer(String value) {
        try {
            return value == null ? null : Integer.valueOf(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
