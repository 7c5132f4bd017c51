package dev.strata.restore.history;

import dev.strata.restore.BadInputException;
import dev.strata.schemas.avro.Op;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Which versions {@code history} lists: the changes of one table, of one row (some or all of its
 * key columns, as Postgres prints them) or of one kind, whose cut time lies in [since, until].
 */
public record HistoryQuery(String table, Map<String, String> key, Optional<Op> op, long sinceMicros, long untilMicros, int limit) {
    /** The operations that are a version of a row; markers (checkpoints, heartbeats, schema changes) are not. */
    static final Set<Op> ROW_OPS = Set.of(Op.CREATE, Op.UPDATE, Op.DELETE, Op.READ, Op.TRUNCATE);

    public HistoryQuery {
        Objects.requireNonNull(table, "table");
        key = Map.copyOf(key);
        Objects.requireNonNull(op, "op");
        if (key.isEmpty() && op.isEmpty()) {
            throw new BadInputException("history needs a row or a kind of change: give --key COL=VALUE[,COL=VALUE] or --op delete");
        }
        if (op.isPresent() && !ROW_OPS.contains(op.get())) {
            throw new BadInputException("--op " + op.get() + " is not a change of a row: use create, update, delete, read or truncate");
        }
        if (sinceMicros > untilMicros) {
            throw new BadInputException("--since is after --until: nothing lies between");
        }
        if (limit < 1) {
            throw new BadInputException("--limit must be at least 1");
        }
    }

    /** {@code COL=VALUE[,COL=VALUE]}; a value may not hold a comma or an equals sign (quote-free on purpose: shells differ). */
    public static Map<String, String> parseKey(String text) {
        if (text == null || text.isBlank()) {
            return Map.of();
        }
        LinkedHashMap<String, String> key = new LinkedHashMap<>();
        for (String part : text.split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0 || part.indexOf('=', eq + 1) >= 0) {
                throw new BadInputException("--key '" + text + "': each part must be COLUMN=VALUE, e.g. --key id=42 or --key tenant_id=acme,id=42");
            }
            if (key.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim()) != null) {
                throw new BadInputException("--key '" + text + "' names column " + part.substring(0, eq).trim() + " twice");
            }
        }
        return key;
    }
}
