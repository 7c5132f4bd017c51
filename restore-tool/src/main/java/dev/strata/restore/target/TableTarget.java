package dev.strata.restore.target;

import dev.strata.schemas.fold.TableShape;
import java.util.Objects;

/**
 * A table to restore, with what targets need per column decided once: how each value reads as text.
 */
public final class TableTarget {
    private final TableShape shape;
    private final PgText.Kind[] kinds;

    public TableTarget(TableShape shape) {
        this.shape = Objects.requireNonNull(shape, "shape");
        this.kinds = shape.pgTypes().stream().map(PgText.Kind::of).toArray(PgText.Kind[]::new);
    }

    public TableShape shape() {
        return shape;
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
