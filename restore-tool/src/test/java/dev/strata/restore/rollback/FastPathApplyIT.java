package dev.strata.restore.rollback;

import static dev.strata.restore.rollback.LiveTenants.CUSTOMERS_TARGET;
import static dev.strata.restore.rollback.LiveTenants.ORDERS;
import static dev.strata.restore.rollback.LiveTenants.ORDERS_TARGET;
import static dev.strata.restore.rollback.LiveTenants.changedKeys;
import static dev.strata.restore.rollback.LiveTenants.readAhead;
import static dev.strata.restore.rollback.LiveTenants.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.local.LocalPostgres;
import dev.strata.local.LocalStackExtension;
import dev.strata.restore.BadInputException;
import dev.strata.restore.replay.KeyFilter;
import dev.strata.restore.target.FoldedRow;
import dev.strata.restore.target.RestoreScope;
import dev.strata.restore.target.TableTarget;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.fold.TableShape;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fast path's apply on a real PostgreSQL, in the live snapshot it compared in: written ahead of the proof and seen
 * only once committed; refused, naming the row, when a compared row was written after the snapshot; the live rows read
 * while the log was ({@link LiveRowsAhead}) standing for a second read of the live table, or not (after a second pass).
 */
@ExtendWith(LocalStackExtension.class)
class FastPathApplyIT {
    private LiveTenants live;

    @BeforeEach
    void liveDatabase(LocalPostgres pg) throws Exception {
        live = LiveTenants.create(pg);
    }

    /** @param liveRowsReadAhead the live rows read while the log was, as the fast path's first pass does; else after a second pass */
    @ParameterizedTest(name = "live rows read ahead: {0}")
    @ValueSource(booleans = {true, false})
    void writtenAheadInTheSnapshotItIsSeenOnlyOnceCommittedAndARowWrittenSinceTheSnapshotMakesItRefuseNamingIt(boolean liveRowsReadAhead)
            throws Exception {
        live.execute("UPDATE orders SET qty = 99 WHERE tenant_id = 'a' AND id = 10");
        // at the point: order 10 qty 1, order 11 qty 5; both keys changed since
        try (Connection c = live.connect(); StagingTarget staging = stagedInSnapshot(c, liveRowsReadAhead)) {
            assertThat(staging.staged()).extracting(t -> t.ahead().isPresent()).containsExactly(liveRowsReadAhead);
            long scans = scansOfOrders(c);
            Compared compared = compared(c, staging);
            if (liveRowsReadAhead) {
                assertThat(scansOfOrders(c)).as("compared with the rows read ahead, the live table not read again").isEqualTo(scans);
            } else {
                assertThat(scansOfOrders(c)).as("compared with the live rows, probed by key").isGreaterThan(scans);
            }
            Applied applied = early(c).apply(compared);
            assertThat(applied.done().get("public.orders")).containsExactly(0, 1, 0);
            assertThat(live.rows("SELECT qty, id FROM orders WHERE tenant_id = 'a' AND id = 10")).as("written, not committed").isEqualTo("99|10\n");
            LiveCoverage.keep(c);
            assertThat(live.rows("SELECT qty, id FROM orders WHERE tenant_id = 'a' AND id = 10")).isEqualTo("1|10\n");
        }

        live.execute("UPDATE orders SET qty = 98 WHERE tenant_id = 'a' AND id = 10");
        try (Connection c = live.connect(); StagingTarget staging = stagedInSnapshot(c, liveRowsReadAhead)) {
            Compared compared = compared(c, staging);
            // order 11 equals its row at the point, so the rollback would not change it; written after the snapshot
            live.execute("UPDATE orders SET qty = 6 WHERE tenant_id = 'a' AND id = 11");
            assertThatThrownBy(() -> early(c).apply(compared)).isInstanceOf(BadInputException.class)
                    .hasMessageContaining("public.orders (key [tenant_id, id] = a, 11) changed after the difference was computed");
            assertThat(live.rows("SELECT id, qty FROM orders WHERE tenant_id = 'a'")).as("nothing applied").isEqualTo("10|98\n11|6\n");
        }

        live.execute("DELETE FROM orders WHERE tenant_id = 'a' AND id = 11");
        try (Connection c = live.connect(); StagingTarget staging = stagedInSnapshot(c, liveRowsReadAhead)) {
            Compared compared = compared(c, staging);
            live.execute("INSERT INTO orders VALUES ('a', 11, 1, 7)"); // a key the rollback inserts, given a row after the snapshot
            assertThatThrownBy(() -> early(c).apply(compared)).isInstanceOf(BadInputException.class)
                    .hasMessageContaining("public.orders (key [tenant_id, id] = a, 11) changed after the difference was computed");
            assertThat(live.rows("SELECT id, qty FROM orders WHERE tenant_id = 'a'")).as("nothing applied").isEqualTo("10|98\n11|7\n");
        }
        assertThat(live.rows("SELECT * FROM orders WHERE tenant_id = 'b'")).isEqualTo("b|10|1|7\nb|12|3|1\n");
    }

    @Test
    void writtenAheadAnErrorThatNoRowWrittenSinceExplainsIsReportedAsItIs() throws Exception {
        // qty unique per tenant, and a's orders 10 and 11 swapped their qty since the point (1 and 5): putting them back in
        // one UPDATE collides on the index, PostgreSQL checking it row by row
        live.execute("CREATE UNIQUE INDEX orders_qty ON orders (tenant_id, qty)", "UPDATE orders SET qty = 99 WHERE tenant_id = 'a' AND id = 10",
                "UPDATE orders SET qty = 1 WHERE tenant_id = 'a' AND id = 11", "UPDATE orders SET qty = 5 WHERE tenant_id = 'a' AND id = 10");
        try (Connection c = live.connect(); StagingTarget staging = stagedInSnapshot(c, true)) {
            Compared compared = compared(c, staging);
            assertThatThrownBy(() -> early(c).apply(compared)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("apply failed").hasMessageContaining("orders_qty");
            assertThat(live.rows("SELECT id, qty FROM orders WHERE tenant_id = 'a'")).as("nothing applied").isEqualTo("10|5\n11|1\n");
        }
    }

    /**
     * A table tenants share whose key is not the tenant's: tenant a's note 5 at the point, deleted since, and b's note 5
     * live. Putting a's back would overwrite b's: refused, naming the key, on either path.
     */
    @ParameterizedTest(name = "live rows read ahead: {0}")
    @ValueSource(booleans = {true, false})
    void aKeyWhoseLiveRowIsAnotherTenantsIsRefusedNamingIt(boolean liveRowsReadAhead) throws Exception {
        live.execute("CREATE TABLE notes (tenant_id text, id bigint PRIMARY KEY, body text)", "INSERT INTO notes VALUES ('b', 5, 'B note')");
        TableShape notes = new TableShape("public.notes", List.of("tenant_id", "id", "body"), List.of("text", "bigint", "text"),
                List.of("id"));
        TableShape key = new TableShape("public.notes", List.of("id"), List.of("bigint"), List.of("id"));
        Map<String, ChangesSince.TableKeys> changed = Map.of("public.notes", new ChangesSince.TableKeys(key,
                Map.of(KeyFilter.Key.of(new byte[] {5}), new Object[] {5L}), Map.of(), Map.of()));
        try (Connection c = live.connect()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            StagingTarget staging = new StagingTarget(c, live.database(), "tenant_id", Set.of(), Optional.of(changed), "strata_rollback_",
                    liveRowsReadAhead ? Optional.of(readAhead(c, changed)) : Optional.empty());
            staging.begin(new RestoreScope(TenantId.of("a"), 0, List.of(new TableTarget(notes)), false));
            staging.apply(new FoldedRow(new TableTarget(notes), new Object[] {"a", 5L, "a note"}, new Object[] {5L}));
            staging.commit();
            assertThat(staging.staged()).extracting(t -> t.ahead().isPresent()).containsExactly(liveRowsReadAhead);

            assertThatThrownBy(() -> compared(c, staging)).isInstanceOf(BadInputException.class)
                    .hasMessageContaining("public.notes key [id] = 5 belongs to another tenant in the live database now");
        }
        assertThat(live.rows("SELECT * FROM notes")).isEqualTo("b|5|B note\n");
    }

    /**
     * Orders 10 and 11 at the point (qty 1 and 5), staged in a REPEATABLE READ snapshot left open, as the fast path does.
     *
     * @param readAhead whether the live rows of the changed keys are read while the log would be ({@link LiveRowsAhead})
     */
    private StagingTarget stagedInSnapshot(Connection c, boolean readAhead) throws SQLException {
        c.setAutoCommit(false);
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        try (Statement s = c.createStatement()) {
            s.executeQuery("SELECT 1").close(); // the snapshot is taken here
        }
        Map<String, ChangesSince.TableKeys> changed = Map.of("public.orders",
                changedKeys(ORDERS, new Object[] {"a", 10L}, new Object[] {"a", 11L}));
        StagingTarget staging = new StagingTarget(c, live.database(), "tenant_id", Set.of("public.orders"), Optional.of(changed),
                "strata_rollback_", readAhead ? Optional.of(readAhead(c, changed)) : Optional.empty());
        staging.begin(new RestoreScope(TenantId.of("a"), 0, List.of(CUSTOMERS_TARGET, ORDERS_TARGET), false));
        staging.apply(row(ORDERS_TARGET, "a", 10L, 1L, 1L));
        staging.apply(row(ORDERS_TARGET, "a", 11L, 1L, 5L));
        staging.commit();
        return staging;
    }

    /** How often this transaction has read the live orders table, by index or whole. */
    private static long scansOfOrders(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT coalesce(idx_scan, 0) + coalesce(seq_scan, 0)"
                + " FROM pg_stat_xact_user_tables WHERE relid = 'public.orders'::regclass")) {
            r.next();
            return r.getLong(1);
        }
    }

    private static Compared compared(Connection c, StagingTarget staging) throws SQLException {
        return Compared.of(s -> new TenantRollback(c, "a", "tenant_id", s.staged(), Optional.empty()), staging, Clock.systemUTC());
    }

    private static EarlyApply early(Connection c) {
        return new EarlyApply(c, new ApplyLimits(5, 60), Clock.systemUTC(), e -> new IllegalStateException("apply failed: " + e.getMessage(), e));
    }
}
