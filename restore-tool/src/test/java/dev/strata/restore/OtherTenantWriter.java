package dev.strata.restore;

import dev.strata.local.LocalPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Another tenant's application while a rollback runs: one order inserted and one customer renamed per transaction, the
 * names remembered, so that its rows can be compared at the end with exactly what it wrote.
 */
final class OtherTenantWriter implements Runnable {
    /** About 200 transactions a second: steady traffic beside the rollback, not a flood of its log. */
    static final long PAUSE_MILLIS = 5;

    final AtomicBoolean stop = new AtomicBoolean();
    private final Map<Long, String> names = new TreeMap<>();
    private final LocalPostgres pg;
    private final String database;
    private final String tenant;
    private final long firstOrderId;
    volatile int writes;
    volatile Throwable failure;

    /** @param firstOrderId above every order id of the tenant: its orders are firstOrderId + 1 and up */
    OtherTenantWriter(LocalPostgres pg, String database, String tenant, long firstOrderId) {
        this.pg = pg;
        this.database = database;
        this.tenant = tenant;
        this.firstOrderId = firstOrderId;
        for (long id = 1; id <= 20; id++) {
            names.put(id, "c" + id);
        }
    }

    @Override
    public void run() {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(database), pg.user(), pg.password()); Statement s = c.createStatement()) {
            for (int i = 1; !stop.get(); i++) {
                long customer = i % 20 + 1;
                s.execute("BEGIN; INSERT INTO orders VALUES ('" + tenant + "', " + (firstOrderId + i) + ", " + customer + ", 1);"
                        + " UPDATE customers SET name = 'w" + i + "' WHERE tenant_id = '" + tenant + "' AND id = " + customer + "; COMMIT");
                names.put(customer, "w" + i);
                writes = i;
                Thread.sleep(PAUSE_MILLIS);
            }
        } catch (SQLException | RuntimeException e) {
            failure = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = e;
        }
    }

    /** The tenant's customers as it left them: "id:name" a line, by id. */
    String expectedCustomers() {
        StringBuilder out = new StringBuilder();
        names.forEach((id, name) -> out.append(out.isEmpty() ? "" : "\n").append(id).append(':').append(name));
        return out.toString();
    }
}
