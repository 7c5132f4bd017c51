package dev.strata.restore.target;

import dev.strata.schemas.ddl.TableDefinition;
import dev.strata.schemas.fold.TableShape;
import java.util.Objects;
import java.util.Optional;

/**
 * A table to restore, with what targets need per column decided once: how each value reads as text.
 */
public final class TableTarget {
    private final TableShape shape;
    private final PgText.Kind[] kinds;
    private final Optional<TableDefinition> definition;
    private final boolean textValues;

    public TableTarget(TableShape shape) {
        this(shape, Optional.empty(), false);
    }

    /**
     * @param definition the table's definition at the restore point, when the log holds one; its live columns are {@code shape}'s
     * @param textValues whether some rows may hold a value as the catalog's text rather than in the captured form (an ADD
     *     COLUMN's missing value), which only a text load reads
     */
    public TableTarget(TableShape shape, Optional<TableDefinition> definition, boolean textValues) {
        this.shape = Objects.requireNonNull(shape, "shape");
        this.definition = Objects.requireNonNull(definition, "definition");
        this.textValues = textValues;
        this.kinds = shape.pgTypes().stream().map(PgText.Kind::of).toArray(PgText.Kind[]::new);
    }

    public TableShape shape() {
        return shape;
    }

    public Optional<TableDefinition> definition() {
        return definition;
    }

    public boolean textValues() {
        return textValues;
    }

    public String name() {
        return shape.table();
    }

    public PgText.Kind kind(int column) {
        return kinds[column];
    }

    /** The key columns' kinds (for a keyless table, every column's). */
    public PgText.Kind keyKind(int keyPosition) {
        if (shape.keyColumns().isEmpty()) {
            return kinds[keyPosition];
        }
        int column = shape.indexOf(shape.keyColumns().get(keyPosition));
        return column < 0 ? PgText.Kind.OTHER : kinds[column];
    }

    public String keyName(int keyPosition) {
        return shape.keyColumns().isEmpty() ? shape.columns().get(keyPosition) : shape.keyColumns().get(keyPosition);
    }

    @Override
    public String toString() {
        return shape.table();
    }
}
