package dev.strata.capture.pg;

import java.util.List;

/**
 * A table's replica identity as a definition in the WAL states it: which columns of an old row Postgres sends from there on.
 *
 * @param kind {@code pg_class.relreplident}: d default (primary key), f full, i index, n nothing
 * @param columns the primary key's columns for d, the identity index's for i; none for f and n
 */
public record ReplicaIdentity(char kind, List<String> columns) {
    public ReplicaIdentity {
        columns = List.copyOf(columns);
    }
}
