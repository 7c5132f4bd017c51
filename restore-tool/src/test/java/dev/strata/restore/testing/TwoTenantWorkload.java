package dev.strata.restore.testing;

import static dev.strata.restore.testing.SourceTable.col;

import dev.strata.restore.testing.SourceTable.Form;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

/**
 * Two tenants, alpha and beta, in one source database: two shared-schema tables (tenant_id column)
 * with a wide spread of types and awkward values, and one schema-per-tenant table each, which also
 * sees TRUNCATEs. Random inserts, updates and deletes in multi-statement transactions.
 */
public final class TwoTenantWorkload {
    public static final List<String> TENANTS = List.of("alpha", "beta");
    public static final SourceTable ACCOUNTS = new SourceTable("public.accounts", List.of(
            col("tenant_id", "text", Form.TEXT), col("id", "bigint", Form.LONG), col("name", "text", Form.TEXT),
            col("balance", "numeric(12,2)", Form.TEXT, "$c::text"), col("active", "boolean", Form.BOOLEAN),
            col("opened", "timestamp with time zone", Form.LONG, "(extract(epoch from $c) * 1000000)::bigint")),
            List.of("tenant_id", "id"), "tenant_id");
    public static final SourceTable ORDERS = new SourceTable("public.orders", List.of(
            col("tenant_id", "text", Form.TEXT), col("id", "bigint", Form.LONG), col("account_id", "bigint", Form.LONG),
            col("amount", "double precision", Form.DOUBLE), col("qty", "real", Form.DOUBLE, "$c::float8"),
            col("note", "text", Form.TEXT), col("payload", "bytea", Form.BYTES), col("tags", "text[]", Form.TEXT, "$c::text"),
            col("doc", "jsonb", Form.TEXT, "$c::text"), col("due", "date", Form.LONG_OR_TEXT,
                    "CASE WHEN isfinite($c) THEN ($c - date '1970-01-01')::text ELSE $c::text END"),
            col("at_time", "time without time zone", Form.LONG, "(extract(epoch from $c) * 1000000)::bigint"),
            col("span", "interval", Form.TEXT, "$c::text")),
            List.of("id"), "tenant_id");
    private static final String[] NOTES = {"plain", "tab\there", "new\nline", "back\\slash", "quote'\"", "ünïcödé ✓", "", "\\N"};
    private static final String[] DOUBLES = {"12.5", "-0", "NaN", "Infinity", "1e-20", "0.1", "-123456.789"};
    private static final String[] DATES = {"2024-02-29", "4713-01-01 BC", "1999-12-31", "infinity"};

    private final Random random;
    private final Map<String, List<Long>> orders = new LinkedHashMap<>();
    private final Map<String, List<Integer>> notes = new LinkedHashMap<>();
    private final Map<String, Integer> accounts = new LinkedHashMap<>();
    private long nextOrder = 1;
    private int nextNote = 1;

    public TwoTenantWorkload(long seed) {
        this.random = new Random(seed);
        TENANTS.forEach(t -> {
            orders.put(t, new ArrayList<>());
            notes.put(t, new ArrayList<>());
            accounts.put(t, 0);
        });
    }

    public static SourceTable notes(String tenant) {
        return new SourceTable(tenant + ".notes", List.of(col("id", "integer", Form.LONG), col("body", "text", Form.TEXT)),
                List.of("id"), null);
    }

    public static void createSchema(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE public.accounts (tenant_id text NOT NULL, id bigint NOT NULL, name text, balance numeric(12,2),"
                    + " active boolean, opened timestamptz, PRIMARY KEY (tenant_id, id))");
            s.execute("CREATE TABLE public.orders (tenant_id text NOT NULL, id bigint PRIMARY KEY, account_id bigint,"
                    + " amount double precision, qty real, note text, payload bytea, tags text[], doc jsonb, due date,"
                    + " at_time time, span interval)");
            for (String t : TENANTS) {
                s.execute("CREATE SCHEMA " + t);
                s.execute("CREATE TABLE " + t + ".notes (id integer PRIMARY KEY, body text)");
            }
        }
    }

    /** One random transaction of one random tenant. */
    public void transaction(CaptureSimulator capture, long commitTs) throws SQLException {
        transaction(capture, commitTs, TENANTS.get(random.nextInt(TENANTS.size())));
    }

    public void transaction(CaptureSimulator capture, long commitTs, String tenant) throws SQLException {
        CaptureSimulator.Tx tx = capture.begin(commitTs);
        int statements = 1 + random.nextInt(4);
        for (int i = 0; i < statements; i++) {
            step(tx, tenant);
        }
        tx.commit();
    }

    private void step(CaptureSimulator.Tx tx, String tenant) throws SQLException {
        List<Long> myOrders = orders.get(tenant);
        List<Integer> myNotes = notes.get(tenant);
        int dice = random.nextInt(100);
        if (accounts.get(tenant) < 3 || dice < 8) {
            long id = accounts.merge(tenant, 1, Integer::sum);
            tx.insert(ACCOUNTS, "INSERT INTO public.accounts VALUES ('" + tenant + "', " + id + ", 'acct " + id + "', "
                    + (random.nextInt(2_000_000) - 1_000_000) / 100.0 + ", " + random.nextBoolean() + ", '2026-01-0" + (1 + random.nextInt(9))
                    + " 0" + random.nextInt(10) + ":12:34." + random.nextInt(1_000_000) + "+02')", tenant, id);
        } else if (dice < 14) {
            tx.update(ACCOUNTS, "balance = balance + 1.05, active = NOT active", tenant, (long) (1 + random.nextInt(accounts.get(tenant))));
        } else if (dice < 50 || myOrders.size() < 3) {
            long id = nextOrder++;
            myOrders.add(id);
            tx.insert(ORDERS, "INSERT INTO public.orders VALUES ('" + tenant + "', " + id + ", " + (1 + random.nextInt(accounts.get(tenant)))
                    + ", '" + DOUBLES[random.nextInt(DOUBLES.length)] + "', " + random.nextInt(1000) / 10.0 + ", " + literal(NOTES[random.nextInt(NOTES.length)])
                    + ", decode('" + hex(random.nextInt(6)) + "', 'hex'), '{a,\"b c\",NULL," + id + "}', '{\"k\": [1, " + id + "], \"s\": \"x\\ty\"}',"
                    + " '" + DATES[random.nextInt(DATES.length)] + "', '" + (random.nextInt(10) == 0 ? "24:00:00" : "13:14:15.000016")
                    + "', '1 year 2 mons -3 days 04:05:06.789')", id);
        } else if (dice < 72) {
            long id = myOrders.get(random.nextInt(myOrders.size()));
            tx.update(ORDERS, "amount = amount * 2, note = note || ' +', qty = qty + 0.1, span = span + interval '1 day'", id);
        } else if (dice < 82) {
            long id = myOrders.remove(random.nextInt(myOrders.size()));
            tx.delete(ORDERS, id);
        } else if (dice < 92 || myNotes.isEmpty()) {
            int id = nextNote++;
            myNotes.add(id);
            tx.insert(notes(tenant), "INSERT INTO " + tenant + ".notes VALUES (" + id + ", " + literal(NOTES[random.nextInt(NOTES.length)]) + ")", id);
        } else if (dice < 98) {
            tx.update(notes(tenant), "body = body || ' edited'", myNotes.get(random.nextInt(myNotes.size())));
        } else {
            tx.truncate(notes(tenant));
            myNotes.clear();
        }
    }

    /** Per table of {@code tenant}: md5(string_agg(t::text, '' order by key)) of its rows, in the source or a restore. */
    public static Map<String, String> checksums(Connection c, String tenant) throws SQLException {
        Map<String, String> sums = new LinkedHashMap<>();
        sums.put("public.accounts", checksum(c, "SELECT md5(string_agg(t::text, '' ORDER BY id)) FROM public.accounts t WHERE tenant_id = ?", tenant));
        sums.put("public.orders", checksum(c, "SELECT md5(string_agg(t::text, '' ORDER BY id)) FROM public.orders t WHERE tenant_id = ?", tenant));
        sums.put(tenant + ".notes", checksum(c, "SELECT md5(string_agg(t::text, '' ORDER BY id)) FROM " + tenant + ".notes t", null));
        return sums;
    }

    /** The keys of a tenant's rows per table, as the Lucene target writes its ids. */
    public static TreeSet<String> luceneIds(Connection c, String tenant) throws SQLException {
        TreeSet<String> ids = new TreeSet<>();
        try (Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT id FROM public.accounts WHERE tenant_id = '" + tenant + "'")) {
                while (rs.next()) {
                    ids.add("public.accounts|tenant_id=" + tenant.length() + ":" + tenant + "|id=" + rs.getString(1).length() + ":" + rs.getString(1));
                }
            }
            for (String table : List.of("public.orders", tenant + ".notes")) {
                String where = table.startsWith("public.") ? " WHERE tenant_id = '" + tenant + "'" : "";
                try (ResultSet rs = s.executeQuery("SELECT id FROM " + table + where)) {
                    while (rs.next()) {
                        ids.add(table + "|id=" + rs.getString(1).length() + ":" + rs.getString(1));
                    }
                }
            }
        }
        return ids;
    }

    private static String checksum(Connection c, String sql, String tenant) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            if (tenant != null) {
                s.setString(1, tenant);
            }
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return String.valueOf(rs.getString(1));
            }
        }
    }

    private String hex(int bytes) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < bytes; i++) {
            out.append(String.format(java.util.Locale.ROOT, "%02x", random.nextInt(256)));
        }
        return out.toString();
    }

    private static String literal(String text) {
        return "E'" + text.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n").replace("\t", "\\t") + "'";
    }
}
