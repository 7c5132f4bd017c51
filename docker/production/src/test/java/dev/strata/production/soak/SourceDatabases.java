package dev.strata.production.soak;

import dev.strata.local.LocalPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The soak's three source databases on one PostgreSQL server: {@code soak_a} and {@code soak_b} shared-schema (a
 * tenant_id column), {@code soak_c} one tenant's alone; each with the tables orders and markers.
 */
final class SourceDatabases {
    static final List<String> IDS = List.of("a", "b", "c");
    static final List<String> TABLES = List.of(ChangeId.ORDERS, ChangeId.MARKERS);
    static final String FIXED_TENANT = "c1";
    private final LocalPostgres pg;
    private final List<SoakTenant> tenants;

    private SourceDatabases(LocalPostgres pg, List<SoakTenant> tenants) {
        this.pg = pg;
        this.tenants = tenants;
    }

    /** Creates the databases and their tables; tenants alternate between the regimes us and eu. */
    static SourceDatabases create(LocalPostgres pg, int tenantsPerSharedDatabase) throws SQLException {
        List<SoakTenant> tenants = new ArrayList<>();
        for (String id : IDS) {
            pg.createDatabase(database(id));
            boolean fixed = id.equals("c");
            String tenantColumn = fixed ? "" : "tenant_id text not null, ";
            String key = fixed ? "id" : "tenant_id, id";
            try (Connection db = DriverManager.getConnection(pg.jdbcUrl(database(id)), pg.user(), pg.password());
                 Statement sql = db.createStatement()) {
                sql.execute("create table public.orders (" + tenantColumn + "id bigint not null, version int not null, item text,"
                        + " qty int, price numeric(12,2), primary key (" + key + "))");
                sql.execute("create table public.markers (" + tenantColumn + "id bigint not null, note text, primary key (" + key + "))");
            }
            int count = fixed ? 1 : tenantsPerSharedDatabase;
            for (int i = 1; i <= count; i++) {
                String regime = tenants.size() % 2 == 0 ? "us" : "eu";
                tenants.add(new SoakTenant(fixed ? FIXED_TENANT : id + i, database(id), regime, fixed));
            }
        }
        return new SourceDatabases(pg, List.copyOf(tenants));
    }

    static String database(String id) {
        return "soak_" + id;
    }

    List<SoakTenant> tenants() {
        return tenants;
    }

    List<SoakTenant> tenantsOf(String database) {
        return tenants.stream().filter(t -> t.database().equals(database)).toList();
    }

    Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(pg.jdbcUrl(database), pg.user(), pg.password());
    }

    /** Each table's checksum of the tenant's rows in {@code database} (the source, or a database it was restored into). */
    Map<String, String> checksums(SoakTenant tenant, String database) throws SQLException {
        Map<String, String> sums = new LinkedHashMap<>();
        try (Connection db = connect(database); Statement sql = db.createStatement()) {
            for (String table : TABLES) {
                try (ResultSet row = sql.executeQuery("select count(*) || ' rows, md5 ' || coalesce(md5(string_agg(t::text, '' order by t.id)), '-')"
                        + " from " + tenant.rowsOf(table))) {
                    row.next();
                    sums.put(table, row.getString(1));
                }
            }
        }
        return sums;
    }

    /** A fresh, empty database to restore into. */
    void createEmpty(String name) {
        pg.createDatabase(name);
    }

    int port() {
        return pg.port();
    }

    String user() {
        return pg.user();
    }
}
