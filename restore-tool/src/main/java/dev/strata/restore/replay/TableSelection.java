package dev.strata.restore.replay;

import dev.strata.restore.BadInputException;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The tables a selective restore asks for ({@code --table S.TABLE}, repeatable); none named means
 * every table. Tables outside it are skipped as early as the pipeline allows: a base's table object
 * is not fetched, a segment's changes of them are decoded (a segment mixes tables) but never folded.
 */
public record TableSelection(Set<String> tables) {
    public static final TableSelection ALL = new TableSelection(Set.of());

    public TableSelection {
        tables = Set.copyOf(tables);
    }

    /** @param names {@code schema.table} each; an unqualified name is refused, naming the fix */
    public static TableSelection of(Collection<String> names) {
        for (String name : names) {
            int dot = name.indexOf('.');
            if (dot <= 0 || dot == name.length() - 1) {
                throw new BadInputException("--table " + name + ": name the table with its schema, e.g. --table public." + name);
            }
        }
        return new TableSelection(Set.copyOf(names));
    }

    public boolean all() {
        return tables.isEmpty();
    }

    public boolean includes(String table) {
        return tables.isEmpty() || tables.contains(table);
    }

    /**
     * Refuses a selection naming a table the tenant does not have at the restore point, before
     * anything is written.
     *
     * @param tenantTables every table the tenant has rows, changes or a definition of up to the point
     */
    public void requireAmong(String tenant, Collection<String> tenantTables) {
        List<String> missing = tables.stream().filter(t -> !tenantTables.contains(t)).sorted().toList();
        if (!missing.isEmpty()) {
            throw new BadInputException("--table " + String.join(", ", missing) + ": tenant " + tenant + " has no such table at or before"
                    + " the restore point; its tables there: " + new TreeSet<>(tenantTables));
        }
    }
}
