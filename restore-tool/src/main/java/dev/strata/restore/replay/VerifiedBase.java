package dev.strata.restore.replay;

import dev.strata.schemas.base.BaseLoader;
import dev.strata.schemas.base.BaseTable;
import dev.strata.schemas.fold.ChangeFolder;
import dev.strata.schemas.fold.ShapeCatalog;
import dev.strata.schemas.fold.drain.FoldDrain;
import dev.strata.schemas.store.ObjectFile;
import java.io.InputStream;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A base's table objects, fetched to staging files and matched to the base's manifest before the
 * target is touched, whose rows have not been read yet: they are read while they are loaded, after
 * the log after the cut has been folded, so that a row the log did not change goes to the target as
 * it is decoded (beside the server's work on the rows before it) instead of through the fold.
 * Closing deletes the files.
 */
final class VerifiedBase implements AutoCloseable {
    /**
     * @param table the table as its manifest names it
     * @param file the stored bytes, matched to the manifest's size and SHA-256
     * @param opening opens them while they are read (a sealed body, chunk by chunk as each is authenticated)
     * @param source the object's key, for errors
     */
    record Table(BaseTable table, ObjectFile file, UnaryOperator<InputStream> opening, String source) {
    }

    private final List<Table> tables;

    VerifiedBase(List<Table> tables) {
        this.tables = List.copyOf(tables);
    }

    /** The tables' ids: each is loaded, even one whose every key is a tombstone. */
    List<Integer> tableIds(ShapeCatalog catalog) {
        return tables.stream().map(t -> catalog.tableId(t.table().table())).toList();
    }

    /** Live rows at the cut: how many rows the load will hand over, give or take the log's changes. */
    long rows() {
        return tables.stream().mapToLong(t -> t.table().rows()).sum();
    }

    /** Every row to {@code direct}, or into {@code folder} when the log changed its key (see {@link BaseLoader#stream}). */
    void stream(ShapeCatalog catalog, ChangeFolder folder, FoldDrain direct) {
        for (Table t : tables) {
            BaseLoader.stream(t.table(), t.file(), t.opening(), t.source(), catalog, folder, direct);
        }
    }

    @Override
    public void close() {
        tables.forEach(t -> BaseRead.delete(t.file().path()));
    }
}
