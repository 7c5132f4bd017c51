package dev.strata.restore.rollback;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Orders the tables of a rollback so that a table comes after every table it references by
 * foreign key: inserts in this order, deletes in the reverse, and no constraint fails midway.
 * A cycle (rare, and then usually deferrable) keeps the tables' own order for its members.
 */
final class ForeignKeyOrder {
    private final Connection connection;

    ForeignKeyOrder(Connection connection) {
        this.connection = connection;
    }

    List<StagingTarget.Staged> parentsFirst(List<StagingTarget.Staged> tables) throws SQLException {
        Map<Long, StagingTarget.Staged> byOid = new HashMap<>();
        tables.forEach(t -> byOid.put(t.live().oid(), t));
        Map<Long, List<Long>> parents = new HashMap<>();
        for (StagingTarget.Staged t : tables) {
            parents.put(t.live().oid(), t.live().references(connection).stream().filter(byOid::containsKey).toList());
        }
        List<StagingTarget.Staged> ordered = new ArrayList<>();
        Set<Long> placed = new HashSet<>();
        Set<Long> visiting = new HashSet<>();
        for (StagingTarget.Staged t : tables) {
            visit(t.live().oid(), parents, byOid, placed, visiting, ordered);
        }
        return ordered;
    }

    private static void visit(long oid, Map<Long, List<Long>> parents, Map<Long, StagingTarget.Staged> byOid, Set<Long> placed,
                              Set<Long> visiting, List<StagingTarget.Staged> ordered) {
        if (placed.contains(oid) || !visiting.add(oid)) {
            return;
        }
        for (long parent : parents.get(oid)) {
            visit(parent, parents, byOid, placed, visiting, ordered);
        }
        placed.add(oid);
        ordered.add(byOid.get(oid));
    }
}
