package dev.strata.restore.rollback;

import dev.strata.local.LocalPostgres;
import dev.strata.restore.replay.KeyFilter;
import dev.strata.restore.target.FoldedRow;
import dev.strata.restore.target.TableTarget;
import dev.strata.schemas.fold.TableShape;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A live database of its own on the test's PostgreSQL, shared by two tenants a and b (customers, and orders referencing
 * them; b holds the SAME key values as a, so only the tenant predicate tells their rows apart), and what the rollback's
 * integration tests ask of it: statements, rows as text, and the rows and keys a rollback's staging is given.
 */
final class LiveTenants {
    static final TableShape CUSTOMERS = new TableShape("public.customers", List.of("tenant_id", "id", "name"),
            List.of("text", "bigint", "text"), List.of("tenant_id", "id"));
    static final TableShape ORDERS = new TableShape("public.orders", List.of("tenant_id", "id", "customer_id", "qty"),
            List.of("text", "bigint", "bigint", "integer"), List.of("tenant_id", "id"));
    static final TableTarget CUSTOMERS_TARGET = new TableTarget(CUSTOMERS);
    static final TableTarget ORDERS_TARGET = new TableTarget(ORDERS);

    private final LocalPostgres pg;
    private final String database;

    private LiveTenants(LocalPostgres pg, String database) {
        this.pg = pg;
        this.database = database;
    }

    /** A new database: a's customers 1, 2 and orders 10 (qty 1), 11 (qty 5); b's customers 1, 3 and orders 10, 12. */
    static LiveTenants create(LocalPostgres pg) throws SQLException {
        LiveTenants live = new LiveTenants(pg, "live_" + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 24), 36));
        pg.createDatabase(live.database);
        live.execute("CREATE TABLE customers (tenant_id text, id bigint, name text NOT NULL, PRIMARY KEY (tenant_id, id))",
                "CREATE TABLE orders (tenant_id text, id bigint, customer_id bigint, qty integer, PRIMARY KEY (tenant_id, id),"
                        + " FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id))",
                "INSERT INTO customers VALUES ('a', 1, 'ann'), ('a', 2, 'bob'), ('b', 1, 'B ann'), ('b', 3, 'B cy')",
                "INSERT INTO orders VALUES ('a', 10, 1, 1), ('a', 11, 1, 5), ('b', 10, 1, 7), ('b', 12, 3, 1)");
        return live;
    }

    String database() {
        return database;
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(pg.jdbcUrl(database), pg.user(), pg.password());
    }

    void execute(String... sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String statement : sql) {
                s.execute(statement);
            }
        }
    }

    /** The one number {@code sql} answers on {@code c}. */
    long single(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    String rows(String sql) throws SQLException {
        StringBuilder out = new StringBuilder();
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql + (sql.contains("ORDER BY") ? "" : " ORDER BY 1, 2"))) {
            int n = r.getMetaData().getColumnCount();
            while (r.next()) {
                List<String> values = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    values.add(r.getString(i));
                }
                out.append(String.join("|", values)).append('\n');
            }
        }
        return out.toString();
    }

    static FoldedRow row(TableTarget table, Object... values) {
        return new FoldedRow(table, values, new Object[] {values[0], values[1]});
    }

    /** The keys changed since the point, as the log after it names them (key bytes only tell them apart here). */
    static ChangesSince.TableKeys changedKeys(TableShape table, Object[]... keys) {
        TableShape keyShape = new TableShape(table.table(), table.keyColumns(), List.of("text", "bigint"), table.keyColumns());
        Map<KeyFilter.Key, Object[]> values = new HashMap<>();
        for (Object[] key : keys) {
            values.put(KeyFilter.Key.of(Arrays.toString(key).getBytes(StandardCharsets.UTF_8)), key);
        }
        return new ChangesSince.TableKeys(keyShape, values, Map.of(), Map.of());
    }

    static LiveRowsAhead readAhead(Connection c, Map<String, ChangesSince.TableKeys> changed) throws SQLException {
        Map<String, LiveTable> covered = new HashMap<>();
        for (String table : changed.keySet()) {
            covered.put(table, LiveTable.read(c, table, "tenant_id"));
        }
        return LiveRowsAhead.start(c, "the live database", changed, covered, "tenant_id", "a");
    }
}
