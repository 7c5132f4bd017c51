package dev.strata.restore.target.postgres;

import dev.strata.restore.target.TableTarget;
import dev.strata.schemas.fold.TableShape;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The statements that make a table the restore creates: from its captured definition when the log holds one, else from
 * its captured columns and key. Its keys, constraints and indexes come after its load, which is faster into a bare table.
 */
final class RestoredTableDdl {
    private RestoredTableDdl() {
    }

    /** @param filtered whether a --where deletes loaded rows before the keys are built */
    static List<String> beforeLoad(TableTarget table, boolean filtered) {
        TableShape shape = table.shape();
        return table.definition().map(d -> PgDefinitionDdl.beforeLoad(shape, d))
                // with --where, the rows it leaves out may be those with a NULL key: they are deleted before the key is built
                .orElseGet(() -> List.of(PgDdl.createSchema(shape), PgDdl.createTable(shape, !filtered)));
    }

    /**
     * Keys, constraints, indexes and sequence positions of {@code created}; foreign keys last, to the tables restored.
     *
     * @param filtered whether a --where left rows out: a child may then lack its parent, and its foreign key is NOT VALID
     */
    static List<String> afterLoad(List<TableTarget> created, Set<String> restoredTables, boolean filtered) {
        List<String> sql = new ArrayList<>();
        for (TableTarget table : created) {
            TableShape shape = table.shape();
            if (table.definition().isPresent()) {
                sql.addAll(PgDefinitionDdl.afterLoad(shape, table.definition().get()));
                sql.addAll(PgDefinitionDdl.positionSequences(shape, table.definition().get()));
            } else if (!shape.keyColumns().isEmpty()) {
                sql.add(PgDdl.addPrimaryKey(shape));
            }
        }
        for (TableTarget table : created) {
            table.definition().ifPresent(d -> sql.addAll(PgDefinitionDdl.foreignKeys(table.shape(), d, restoredTables, filtered)));
        }
        return sql;
    }
}
