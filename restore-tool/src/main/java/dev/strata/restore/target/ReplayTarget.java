package dev.strata.restore.target;

import dev.strata.schemas.fold.RowDecoder;
import java.util.Map;

/**
 * Where a restore writes the folded state. Rows arrive table by table (a table may come in several
 * runs when the fold spilled to disk). Nothing is visible until {@link #commit}; after a failure
 * the caller calls {@link #abort}, which undoes what it can and says what it cannot.
 */
public interface ReplayTarget extends AutoCloseable {

    /** E.g. "postgres jdbc:postgresql://host/db" without credentials. */
    String describe();

    /**
     * Prepares the target for these tables; refuses (BadInputException naming the table and the
     * fix) a target that already holds data unless the scope is forced.
     */
    void begin(RestoreScope scope);

    /**
     * The columns of {@code table} (by index in its shape) whose string values this target takes as
     * their UTF-8 bytes, a byte[], instead of a String; null: none. Asked once per table after
     * {@link #begin}: a binary COPY writes text as UTF-8, so it takes the bytes the backup holds.
     */
    default boolean[] utf8TextColumns(TableTarget table) {
        return null;
    }

    /**
     * Whether the target creates the restored tables from the backup's table definitions (a database restore): only then
     * does a table without one in the backup lose its defaults, constraints and indexes, as the restore notes. A file, an
     * index or a topic holds rows only; a rollback's staging takes the live table's columns.
     */
    default boolean createsTablesFromDefinitions() {
        return false;
    }

    /** One key's final state; tombstones are for targets that keep history (Kafka), others skip them. */
    void apply(FoldedRow row);

    /**
     * A row of {@code table} at the point, from its folded bytes, without decoding it into values or its key, when the
     * target and the row allow it (a binary COPY, a row in the final columns); false: nothing applied, give it to
     * {@link #apply(FoldedRow)}. Never asked for a row the erasure ledger changes.
     */
    default boolean applyEncoded(TableTarget table, RowDecoder decoder, byte[] version, int finalShapeId) {
        return false;
    }

    /** Makes the restore visible: indexes, commit, flush. */
    void commit();

    /**
     * After commit: per table, the rows the target kept of those it was given, where it kept fewer
     * (a postgres restore with {@code --where}); empty when it kept every row.
     */
    default Map<String, Long> rowsKept() {
        return Map.of();
    }

    /** Undoes a restore that failed before commit. Never throws. */
    void abort();

    @Override
    void close();
}
