package dev.strata.restore.rollback;

import dev.strata.restore.BadInputException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a rollback needs to know of a table in the live database: its writable columns, the key it
 * matches rows on (the primary key, else the replica identity index), and whether it is shared by
 * tenants (it has the tenant column) or belongs to one tenant whole (schema per tenant).
 */
record LiveTable(String name, String qualified, long oid, List<String> columns, List<String> key, boolean shared) {
    /** The column a live row's version (xmin) takes in {@link #rowsOfKeys}: a name no application column is expected to have. */
    static final String VERSION = "strata_rollback_version";
    /**
     * The column a live row's place ({@code ctid}) takes in {@link #rowsOfKeys}: it names the row only in the snapshot it
     * was read in (an UPDATE gives the row a new place), and only in a table without partitions or children.
     */
    static final String PLACE = "strata_rollback_place";

    static LiveTable read(Connection c, String table, String tenantColumn) throws SQLException {
        String qualified = Sql.qualified(table);
        long oid;
        try (PreparedStatement s = c.prepareStatement("SELECT to_regclass(?)::oid")) {
            s.setString(1, qualified);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                oid = r.getLong(1);
                if (r.wasNull()) {
                    throw new BadInputException("table " + table + " does not exist in the live database: a rollback puts rows back"
                            + " into tables as they are; create it, or leave it out with --table");
                }
            }
        }
        List<String> columns = strings(c, "SELECT attname FROM pg_attribute WHERE attrelid = ?::regclass AND attnum > 0"
                + " AND NOT attisdropped AND attgenerated = '' ORDER BY attnum", qualified);
        List<String> key = strings(c, "SELECT a.attname FROM pg_index i JOIN LATERAL unnest(i.indkey) WITH ORDINALITY k(attnum, n) ON true"
                + " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum"
                + " WHERE i.indrelid = ?::regclass AND (i.indisprimary OR i.indisreplident)"
                + " ORDER BY i.indisprimary DESC, i.indexrelid, k.n", qualified);
        key = distinctPrefix(key);
        if (key.isEmpty()) {
            throw new BadInputException("table " + table + " has no primary key and no replica identity index: a rollback cannot"
                    + " match its rows one to one; give it a key, or leave it out with --table");
        }
        return new LiveTable(table, qualified, oid, columns, key, columns.contains(tenantColumn));
    }

    /** The primary key's columns when there is one (it sorts first), else the replica identity index's. */
    private static List<String> distinctPrefix(List<String> key) {
        List<String> first = new ArrayList<>();
        for (String column : key) {
            if (first.contains(column)) {
                break;
            }
            first.add(column);
        }
        return first;
    }

    /**
     * Whether its key is unique at every statement (not DEFERRABLE): then a key whose first change after
     * a point gave it a row (an INSERT, an UPDATE of the key to it) had no row at the point (that change
     * would have failed on it; a deferred key could hold two rows within a transaction that deletes one later).
     */
    boolean keyUniqueAtOnce(Connection c) throws SQLException {
        List<String> immediate = strings(c, "SELECT indimmediate FROM pg_index WHERE indrelid = ?::regclass AND indisunique"
                + " AND (indisprimary OR indisreplident) ORDER BY indisprimary DESC, indexrelid LIMIT 1", qualified);
        return immediate.size() == 1 && "t".equals(immediate.get(0));
    }

    /**
     * Whether Postgres logs the whole old row of each UPDATE and DELETE (REPLICA IDENTITY FULL) now. Capture reads a
     * table's identity when it starts or the table's columns change, so an old row logged under another identity than the
     * one capture last read may carry NULLs for the columns Postgres did not send: see {@link #identityCandidates}.
     */
    boolean replicaIdentityFull(Connection c) throws SQLException {
        return strings(c, "SELECT relreplident FROM pg_class WHERE oid = ?::regclass", qualified).equals(List.of("f"));
    }

    /**
     * The columns any replica identity but FULL could have sent alone: the primary key's and those of every unique index
     * (USING INDEX takes one). An old row with a value outside them was not cut down to an identity and NULL-filled.
     */
    Set<String> identityCandidates(Connection c) throws SQLException {
        return new HashSet<>(strings(c, "SELECT DISTINCT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid"
                + " AND a.attnum = ANY (i.indkey) WHERE i.indrelid = ?::regclass AND i.indisunique", qualified));
    }

    /**
     * This table's rows (alias {@code l} in {@code predicate}) of the keys in temp table {@code keys} that {@code predicate}
     * holds for, each with its version and place, as a subquery (alias it): one probe of the table's key per key. Joined
     * to the keys, even as a semi-join, the table is planned as one scan of every row (0.3 s at 1M rows); {@code OFFSET 0}
     * keeps the planner from flattening the probe back into such a join.
     */
    String rowsOfKeys(String keys, String predicate) {
        return "(SELECT r.* FROM (SELECT DISTINCT " + Sql.join(key, ", ", c -> "c." + c) + " FROM pg_temp." + keys + " c) c"
                + " CROSS JOIN LATERAL (SELECT l.*, l.xmin AS " + VERSION + ", l.ctid AS " + PLACE + " FROM " + qualified + " l WHERE "
                + keyMatch(key, "c", "l") + " AND " + predicate + " OFFSET 0) r)";
    }

    /**
     * The tenant's rows, as a condition on alias {@code alias} ({@code true} in a table of one tenant). The tenant id is
     * spliced as a literal: a TenantId is [A-Za-z0-9._-] only, checked when it was parsed.
     */
    String tenantRows(String tenantColumn, String tenant, String alias) {
        return shared ? alias + "." + Sql.quote(tenantColumn) + "::text = '" + tenant + "'" : "true";
    }

    /** Whether a row's place ({@link #PLACE}) names it alone: a plain table, without partitions or children that share places. */
    boolean placeNamesARow(Connection c) throws SQLException {
        return strings(c, "SELECT relkind = 'r' AND NOT relhassubclass FROM pg_class WHERE oid = ?::regclass", qualified)
                .equals(List.of("t"));
    }

    static String keyMatch(List<String> key, String left, String right) {
        return Sql.join(key, " AND ", c -> left + "." + c + " = " + right + "." + c);
    }

    /** The tables this one references by foreign key (their oids), itself excluded. */
    List<Long> references(Connection c) throws SQLException {
        List<Long> parents = new ArrayList<>();
        for (String parent : strings(c, "SELECT confrelid FROM pg_constraint WHERE contype = 'f' AND conrelid = ?::regclass"
                + " AND confrelid <> conrelid", qualified)) {
            parents.add(Long.parseLong(parent));
        }
        return parents;
    }

    private static List<String> strings(Connection c, String sql, String qualified) throws SQLException {
        List<String> values = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, qualified);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    values.add(r.getString(1));
                }
            }
        }
        return values;
    }
}
