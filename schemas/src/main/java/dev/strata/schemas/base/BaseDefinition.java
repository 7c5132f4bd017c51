package dev.strata.schemas.base;

import dev.strata.schemas.fold.definition.DefinitionHistory;
import dev.strata.schemas.fold.FoldPosition;
import dev.strata.schemas.fold.ShapeCatalog;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * One table definition (a DDL event) a base folded, kept in its manifest with its place in the log:
 * a fold from the base reads the base's rows with the definitions in force at their positions, as a
 * fold from the whole log would.
 *
 * @param definition the DDL event's tableDefinition, as it came
 */
public record BaseDefinition(String table, FoldPosition at, long cutMicros, String definition) {
    public BaseDefinition {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(definition, "definition");
    }

    /** What a base keeps of a fold's definitions: all of them, by table name, each table's in log order. */
    public static List<BaseDefinition> of(DefinitionHistory history, ShapeCatalog catalog) {
        List<BaseDefinition> all = new ArrayList<>();
        for (int tableId : history.tables()) {
            history.of(tableId).forEach(e -> all.add(new BaseDefinition(catalog.table(tableId), e.at(), e.cutMicros(), e.json())));
        }
        all.sort(Comparator.comparing(BaseDefinition::table));
        return all;
    }

    /** Folds a base's definitions into {@code history}, as the DDL events they were. */
    public static void load(List<BaseDefinition> definitions, ShapeCatalog catalog, DefinitionHistory history) {
        definitions.forEach(d -> history.add(catalog.tableId(d.table()), d.at(), d.cutMicros(), d.definition()));
    }
}
