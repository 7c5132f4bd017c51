package dev.strata.restore.rollback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.strata.local.LocalPostgres;
import dev.strata.local.LocalStackExtension;
import dev.strata.restore.BadInputException;
import dev.strata.restore.target.FoldedRow;
import dev.strata.restore.target.RestoreScope;
import dev.strata.restore.target.RowPredicate;
import dev.strata.restore.target.TableTarget;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.fold.TableShape;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import dev.strata.restore.replay.KeyFilter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The apply half of a rollback on a real PostgreSQL, with the rows at the restore point given
 * directly (the fold that produces them is the replay's, tested elsewhere): another tenant's rows,
 * even with the same key values, are never touched; foreign keys hold at every statement; a row of
 * the tenant changed between the difference and the apply makes it refuse and change nothing.
 */
@ExtendWith(LocalStackExtension.class)
class TenantRollbackIT {
    private static final TableShape CUSTOMERS = new TableShape("public.customers", List.of("tenant_id", "id", "name"),
            List.of("text", "bigint", "text"), List.of("tenant_id", "id"));
    private static final TableShape ORDERS = new TableShape("public.orders", List.of("tenant_id", "id", "customer_id", "qty"),
            List.of("text", "bigint", "bigint", "integer"), List.of("tenant_id", "id"));
    private static final TableTarget CUSTOMERS_TARGET = new TableTarget(CUSTOMERS);
    private static final TableTarget ORDERS_TARGET = new TableTarget(ORDERS);

    private LocalPostgres pg;
    private String database;

    @BeforeEach
    void liveDatabase(LocalPostgres pg) throws Exception {
        this.pg = pg;
        database = "live_" + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 24), 36);
        pg.createDatabase(database);
        execute("CREATE TABLE customers (tenant_id text, id bigint, name text NOT NULL, PRIMARY KEY (tenant_id, id))",
                "CREATE TABLE orders (tenant_id text, id bigint, customer_id bigint, qty integer, PRIMARY KEY (tenant_id, id),"
                        + " FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id))",
                // the other tenant holds the SAME key values: only the tenant predicate tells the rows apart
                "INSERT INTO customers VALUES ('a', 1, 'ann'), ('a', 2, 'bob'), ('b', 1, 'B ann'), ('b', 3, 'B cy')",
                "INSERT INTO orders VALUES ('a', 10, 1, 1), ('a', 11, 1, 5), ('b', 10, 1, 7), ('b', 12, 3, 1)");
    }

    @Test
    void putsTheTenantsRowsBackInForeignKeyOrderAndLeavesTheOtherTenantAlone() throws Exception {
        // at the restore point a had customers 1, 2, 3 and orders 10 (qty 1), 11, 13 (of the customer 3 deleted since)
        try (Connection c = connect(); StagingTarget staging = staged(c, Set.of(),
                List.of(row(CUSTOMERS_TARGET, "a", 1L, "ann"), row(CUSTOMERS_TARGET, "a", 2L, "bob"), row(CUSTOMERS_TARGET, "a", 3L, "cy")),
                List.of(row(ORDERS_TARGET, "a", 10L, 1L, 1L), row(ORDERS_TARGET, "a", 11L, 1L, 5L), row(ORDERS_TARGET, "a", 13L, 3L, 2L)))) {
            execute("UPDATE orders SET qty = 99 WHERE tenant_id = 'a' AND id = 10",
                    "INSERT INTO customers VALUES ('a', 4, 'new')", "INSERT INTO orders VALUES ('a', 14, 4, 1)");
            String other = rows("SELECT * FROM customers WHERE tenant_id = 'b'") + rows("SELECT * FROM orders WHERE tenant_id = 'b'");
            TenantRollback rollback = new TenantRollback(c, "a", "tenant_id", staging.staged(), Optional.empty());

            List<TableDiff> diff = rollback.diff();
            assertThat(diff).extracting(TableDiff::table, TableDiff::deletes, TableDiff::updates, TableDiff::inserts).containsExactlyInAnyOrder(
                    tuple("public.customers", 1L, 0L, 1L),
                    tuple("public.orders", 1L, 1L, 1L));
            Map<String, long[]> done = rollback.apply(5, 60);

            assertThat(done.get("public.orders")).containsExactly(1, 1, 1);
            assertThat(rows("SELECT * FROM customers WHERE tenant_id = 'a'")).isEqualTo("a|1|ann\na|2|bob\na|3|cy\n");
            assertThat(rows("SELECT * FROM orders WHERE tenant_id = 'a'")).isEqualTo("a|10|1|1\na|11|1|5\na|13|3|2\n");
            assertThat(rows("SELECT * FROM customers WHERE tenant_id = 'b'") + rows("SELECT * FROM orders WHERE tenant_id = 'b'"))
                    .isEqualTo(other);
        }
    }

    @Test
    void aRowOfTheTenantChangedAfterTheDifferenceMakesItRefuseAndChangeNothing() throws Exception {
        try (Connection c = connect(); StagingTarget staging = staged(c, Set.of("public.orders"), List.of(),
                List.of(row(ORDERS_TARGET, "a", 10L, 1L, 1L)))) {
            TenantRollback rollback = new TenantRollback(c, "a", "tenant_id", staging.staged(), Optional.empty());
            rollback.diff();
            execute("UPDATE orders SET qty = 42 WHERE tenant_id = 'a' AND id = 10"); // the application writes meanwhile
            String before = rows("SELECT * FROM orders ORDER BY tenant_id, id");

            assertThatThrownBy(() -> rollback.apply(5, 60)).isInstanceOf(BadInputException.class)
                    .hasMessageContaining("public.orders (key [tenant_id, id] = a, 10) changed after the difference was computed");
            assertThat(rows("SELECT * FROM orders ORDER BY tenant_id, id")).as("nothing applied").isEqualTo(before);
        }
    }

    @Test
    void onTheFastPathOnlyTheChangedKeysAreComparedCheckedAndApplied() throws Exception {
        execute("UPDATE orders SET qty = 99 WHERE tenant_id = 'a' AND id = 10",
                "INSERT INTO customers VALUES ('a', 4, 'new')", "INSERT INTO orders VALUES ('a', 14, 4, 1)");
        Map<String, ChangesSince.TableKeys> changed = Map.of(
                "public.customers", changedKeys(CUSTOMERS, new Object[] {"a", 4L}),
                "public.orders", changedKeys(ORDERS, new Object[] {"a", 10L}, new Object[] {"a", 14L}));
        String other = rows("SELECT * FROM customers WHERE tenant_id = 'b'") + rows("SELECT * FROM orders WHERE tenant_id = 'b'");
        try (Connection c = connect(); StagingTarget staging = new StagingTarget(c, database, "tenant_id", Set.of(), Optional.of(changed))) {
            staging.begin(new RestoreScope(TenantId.of("a"), 0, List.of(CUSTOMERS_TARGET, ORDERS_TARGET), false));
            // every row at the point; only those of changed keys are staged
            List.of(row(CUSTOMERS_TARGET, "a", 1L, "ann"), row(CUSTOMERS_TARGET, "a", 2L, "bob"), row(ORDERS_TARGET, "a", 10L, 1L, 1L),
                    row(ORDERS_TARGET, "a", 11L, 1L, 5L)).forEach(staging::apply);
            staging.commit();
            TenantRollback rollback = new TenantRollback(c, "a", "tenant_id", staging.staged(), Optional.empty());

            assertThat(rollback.diff()).extracting(TableDiff::table, TableDiff::deletes, TableDiff::updates, TableDiff::inserts)
                    .containsExactlyInAnyOrder(tuple("public.customers", 1L, 0L, 0L), tuple("public.orders", 1L, 1L, 0L));
            execute("UPDATE orders SET qty = 6 WHERE tenant_id = 'a' AND id = 11"); // a key not compared: as if written after
            rollback.apply(5, 60);

            assertThat(rows("SELECT * FROM customers WHERE tenant_id = 'a'")).isEqualTo("a|1|ann\na|2|bob\n");
            assertThat(rows("SELECT * FROM orders WHERE tenant_id = 'a'")).isEqualTo("a|10|1|1\na|11|1|6\n");
            assertThat(rows("SELECT * FROM customers WHERE tenant_id = 'b'") + rows("SELECT * FROM orders WHERE tenant_id = 'b'"))
                    .isEqualTo(other);
        }
        execute("UPDATE orders SET qty = 98 WHERE tenant_id = 'a' AND id = 10");
        try (Connection c = connect(); StagingTarget staging = new StagingTarget(c, database, "tenant_id", Set.of("public.orders"),
                Optional.of(Map.of("public.orders", changedKeys(ORDERS, new Object[] {"a", 10L}))))) {
            staging.begin(new RestoreScope(TenantId.of("a"), 0, List.of(CUSTOMERS_TARGET, ORDERS_TARGET), false));
            staging.apply(row(ORDERS_TARGET, "a", 10L, 1L, 1L));
            staging.commit();
            TenantRollback rollback = new TenantRollback(c, "a", "tenant_id", staging.staged(), Optional.empty());
            rollback.diff();
            execute("UPDATE orders SET qty = 42 WHERE tenant_id = 'a' AND id = 10"); // a compared key written meanwhile

            assertThatThrownBy(() -> rollback.apply(5, 60)).isInstanceOf(BadInputException.class)
                    .hasMessageContaining("public.orders (key [tenant_id, id] = a, 10) changed after the difference was computed");
            assertThat(rows("SELECT qty FROM orders WHERE tenant_id = 'a' AND id = 10 ORDER BY qty")).isEqualTo("42\n");
        }
    }

    /** @param liveRowsReadAhead the live rows read while the log was, as the fast path's first pass does; else after a second pass */
    @ParameterizedTest(name = "live rows read ahead: {0}")
    @ValueSource(booleans = {true, false})
    void writtenAheadInTheSnapshotItIsSeenOnlyOnceCommittedAndARowWrittenSinceTheSnapshotMakesItRefuseNamingIt(boolean liveRowsReadAhead)
            throws Exception {
        execute("UPDATE orders SET qty = 99 WHERE tenant_id = 'a' AND id = 10");
        // at the point: order 10 qty 1, order 11 qty 5; both keys changed since
        try (Connection c = connect(); StagingTarget staging = stagedInSnapshot(c, liveRowsReadAhead)) {
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
            assertThat(rows("SELECT qty, id FROM orders WHERE tenant_id = 'a' AND id = 10")).as("written, not committed").isEqualTo("99|10\n");
            LiveCoverage.keep(c);
            assertThat(rows("SELECT qty, id FROM orders WHERE tenant_id = 'a' AND id = 10")).isEqualTo("1|10\n");
        }

        execute("UPDATE orders SET qty = 98 WHERE tenant_id = 'a' AND id = 10");
        try (Connection c = connect(); StagingTarget staging = stagedInSnapshot(c, liveRowsReadAhead)) {
            Compared compared = compared(c, staging);
            // order 11 equals its row at the point, so the rollback would not change it; written after the snapshot
            execute("UPDATE orders SET qty = 6 WHERE tenant_id = 'a' AND id = 11");
            assertThatThrownBy(() -> early(c).apply(compared)).isInstanceOf(BadInputException.class)
                    .hasMessageContaining("public.orders (key [tenant_id, id] = a, 11) changed after the difference was computed");
            assertThat(rows("SELECT id, qty FROM orders WHERE tenant_id = 'a'")).as("nothing applied").isEqualTo("10|98\n11|6\n");
        }

        execute("DELETE FROM orders WHERE tenant_id = 'a' AND id = 11");
        try (Connection c = connect(); StagingTarget staging = stagedInSnapshot(c, liveRowsReadAhead)) {
            Compared compared = compared(c, staging);
            execute("INSERT INTO orders VALUES ('a', 11, 1, 7)"); // a key the rollback inserts, given a row after the snapshot
            assertThatThrownBy(() -> early(c).apply(compared)).isInstanceOf(BadInputException.class)
                    .hasMessageContaining("public.orders (key [tenant_id, id] = a, 11) changed after the difference was computed");
            assertThat(rows("SELECT id, qty FROM orders WHERE tenant_id = 'a'")).as("nothing applied").isEqualTo("10|98\n11|7\n");
        }
        assertThat(rows("SELECT * FROM orders WHERE tenant_id = 'b'")).isEqualTo("b|10|1|7\nb|12|3|1\n");
    }

    @Test
    void writtenAheadAnErrorThatNoRowWrittenSinceExplainsIsReportedAsItIs() throws Exception {
        // qty unique per tenant, and a's orders 10 and 11 swapped their qty since the point (1 and 5): putting them back in
        // one UPDATE collides on the index, PostgreSQL checking it row by row
        execute("CREATE UNIQUE INDEX orders_qty ON orders (tenant_id, qty)", "UPDATE orders SET qty = 99 WHERE tenant_id = 'a' AND id = 10",
                "UPDATE orders SET qty = 1 WHERE tenant_id = 'a' AND id = 11", "UPDATE orders SET qty = 5 WHERE tenant_id = 'a' AND id = 10");
        try (Connection c = connect(); StagingTarget staging = stagedInSnapshot(c, true)) {
            Compared compared = compared(c, staging);
            assertThatThrownBy(() -> early(c).apply(compared)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("apply failed").hasMessageContaining("orders_qty");
            assertThat(rows("SELECT id, qty FROM orders WHERE tenant_id = 'a'")).as("nothing applied").isEqualTo("10|5\n11|1\n");
        }
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
        StagingTarget staging = new StagingTarget(c, database, "tenant_id", Set.of("public.orders"), Optional.of(changed),
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

    private static LiveRowsAhead readAhead(Connection c, Map<String, ChangesSince.TableKeys> changed) throws SQLException {
        Map<String, LiveTable> covered = new HashMap<>();
        for (String table : changed.keySet()) {
            covered.put(table, LiveTable.read(c, table, "tenant_id"));
        }
        return LiveRowsAhead.start(c, "the live database", changed, covered, "tenant_id", "a");
    }

    /**
     * A table tenants share whose key is not the tenant's: tenant a's note 5 at the point, deleted since, and b's note 5
     * live. Putting a's back would overwrite b's: refused, naming the key, on either path.
     */
    @ParameterizedTest(name = "live rows read ahead: {0}")
    @ValueSource(booleans = {true, false})
    void aKeyWhoseLiveRowIsAnotherTenantsIsRefusedNamingIt(boolean liveRowsReadAhead) throws Exception {
        execute("CREATE TABLE notes (tenant_id text, id bigint PRIMARY KEY, body text)", "INSERT INTO notes VALUES ('b', 5, 'B note')");
        TableShape notes = new TableShape("public.notes", List.of("tenant_id", "id", "body"), List.of("text", "bigint", "text"),
                List.of("id"));
        TableShape key = new TableShape("public.notes", List.of("id"), List.of("bigint"), List.of("id"));
        Map<String, ChangesSince.TableKeys> changed = Map.of("public.notes", new ChangesSince.TableKeys(key,
                Map.of(KeyFilter.Key.of(new byte[] {5}), new Object[] {5L}), Map.of(), Map.of()));
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            StagingTarget staging = new StagingTarget(c, database, "tenant_id", Set.of(), Optional.of(changed), "strata_rollback_",
                    liveRowsReadAhead ? Optional.of(readAhead(c, changed)) : Optional.empty());
            staging.begin(new RestoreScope(TenantId.of("a"), 0, List.of(new TableTarget(notes)), false));
            staging.apply(new FoldedRow(new TableTarget(notes), new Object[] {"a", 5L, "a note"}, new Object[] {5L}));
            staging.commit();
            assertThat(staging.staged()).extracting(t -> t.ahead().isPresent()).containsExactly(liveRowsReadAhead);

            assertThatThrownBy(() -> compared(c, staging)).isInstanceOf(BadInputException.class)
                    .hasMessageContaining("public.notes key [id] = 5 belongs to another tenant in the live database now");
        }
        assertThat(rows("SELECT * FROM notes")).isEqualTo("b|5|B note\n");
    }

    private static Compared compared(Connection c, StagingTarget staging) throws SQLException {
        return Compared.of(s -> new TenantRollback(c, "a", "tenant_id", s.staged(), Optional.empty()), staging, Clock.systemUTC());
    }

    private static EarlyApply early(Connection c) {
        return new EarlyApply(c, new ApplyLimits(5, 60), Clock.systemUTC(), e -> new IllegalStateException("apply failed: " + e.getMessage(), e));
    }

    @Test
    void oldRowsStandForRowsAtThePointOnlyInATableOfFullIdentityWithCapturesSchemaHistoryOn() throws Exception {
        try (Connection c = connect()) {
            LiveTable orders = LiveTable.read(c, "public.orders", "tenant_id");
            assertThat(FastPathStaging.oldRowsTrusted(c, orders)).as("DEFAULT, no schema history").isFalse();
            assertThat(orders.identityCandidates(c)).containsExactlyInAnyOrder("tenant_id", "id");
            execute("CREATE UNIQUE INDEX orders_customer_qty ON orders (customer_id, qty)");
            assertThat(orders.identityCandidates(c)).as("USING INDEX could take any unique index")
                    .containsExactlyInAnyOrder("tenant_id", "id", "customer_id", "qty");
            execute("ALTER TABLE orders REPLICA IDENTITY FULL");
            assertThat(FastPathStaging.oldRowsTrusted(c, orders)).as("FULL, no schema history").isFalse();
            execute("CREATE FUNCTION stands_for_capture() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN END $$",
                    "CREATE EVENT TRIGGER " + FastPathStaging.SCHEMA_HISTORY_TRIGGER + " ON ddl_command_end EXECUTE FUNCTION stands_for_capture()");
            try {
                assertThat(FastPathStaging.oldRowsTrusted(c, orders)).as("FULL, schema history on").isTrue();
                assertThat(FastPathStaging.oldRowsTrusted(c, LiveTable.read(c, "public.customers", "tenant_id"))).as("DEFAULT").isFalse();
                execute("ALTER EVENT TRIGGER " + FastPathStaging.SCHEMA_HISTORY_TRIGGER + " ENABLE REPLICA");
                assertThat(FastPathStaging.oldRowsTrusted(c, orders)).as("its trigger firing in replica sessions only").isFalse();
                execute("ALTER EVENT TRIGGER " + FastPathStaging.SCHEMA_HISTORY_TRIGGER + " DISABLE");
                assertThat(FastPathStaging.oldRowsTrusted(c, orders)).as("its trigger disabled").isFalse();
            } finally {
                execute("DROP EVENT TRIGGER " + FastPathStaging.SCHEMA_HISTORY_TRIGGER); // event triggers are per database: tidy anyway
            }
        }
    }

    @Test
    void keysStagedInASecondPassAfterTheWaitJoinTheFirstPassesTablesOrAddTheirOwn() throws Exception {
        execute("UPDATE orders SET qty = 99 WHERE tenant_id = 'a' AND id = 10",
                "INSERT INTO customers VALUES ('a', 4, 'new')", "INSERT INTO orders VALUES ('a', 14, 4, 1)");
        List<FoldedRow> atPoint = List.of(row(CUSTOMERS_TARGET, "a", 1L, "ann"), row(CUSTOMERS_TARGET, "a", 2L, "bob"),
                row(ORDERS_TARGET, "a", 10L, 1L, 1L), row(ORDERS_TARGET, "a", 11L, 1L, 5L));
        // the first pass's newest-first read stopped before any change of customers: only the second stages it
        RestoreScope firstScope = new RestoreScope(TenantId.of("a"), 0, List.of(ORDERS_TARGET), false);
        RestoreScope scope = new RestoreScope(TenantId.of("a"), 0, List.of(CUSTOMERS_TARGET, ORDERS_TARGET), false);
        Map<String, ChangesSince.TableKeys> firstChanged = Map.of("public.orders", changedKeys(ORDERS, new Object[] {"a", 10L}));
        try (Connection c = connect();
             StagingTarget first = new StagingTarget(c, database, "tenant_id", Set.of(), Optional.of(firstChanged), "strata_rollback_",
                     Optional.of(readAhead(c, firstChanged)));
             StagingTarget second = new StagingTarget(c, database, "tenant_id", Set.of(), Optional.of(Map.of(
                     "public.customers", changedKeys(CUSTOMERS, new Object[] {"a", 4L}),
                     "public.orders", changedKeys(ORDERS, new Object[] {"a", 14L}))), "strata_rollback_more_", Optional.empty())) {
            first.begin(firstScope);
            atPoint.stream().filter(r -> r.table() == ORDERS_TARGET).forEach(first::apply);
            first.commit();
            second.begin(scope);
            atPoint.forEach(second::apply);
            second.commit();
            first.add(second);
            assertThat(first.staged()).as("the live rows read ahead lack the second pass's keys: read again")
                    .allMatch(t -> t.ahead().isEmpty());
            TenantRollback rollback = new TenantRollback(c, "a", "tenant_id", first.staged(), Optional.empty());

            assertThat(rollback.diff()).extracting(TableDiff::table, TableDiff::deletes, TableDiff::updates, TableDiff::inserts)
                    .as("the keys of both passes compared").containsExactlyInAnyOrder(tuple("public.customers", 1L, 0L, 0L),
                            tuple("public.orders", 1L, 1L, 0L));
            rollback.apply(5, 60);

            assertThat(rows("SELECT * FROM customers WHERE tenant_id = 'a'")).isEqualTo("a|1|ann\na|2|bob\n");
            assertThat(rows("SELECT * FROM orders WHERE tenant_id = 'a'")).isEqualTo("a|10|1|1\na|11|1|5\n");
        }
    }

    /** The keys changed since the point, as the log after it names them (key bytes only tell them apart here). */
    private static ChangesSince.TableKeys changedKeys(TableShape table, Object[]... keys) {
        TableShape keyShape = new TableShape(table.table(), table.keyColumns(), List.of("text", "bigint"), table.keyColumns());
        Map<KeyFilter.Key, Object[]> values = new HashMap<>();
        for (Object[] key : keys) {
            values.put(KeyFilter.Key.of(java.util.Arrays.toString(key).getBytes(java.nio.charset.StandardCharsets.UTF_8)), key);
        }
        return new ChangesSince.TableKeys(keyShape, values, Map.of(), Map.of());
    }

    @Test
    void withAPredicateOnlyTheKeysItHoldsForAtThePointOrLiveAreRolledBack() throws Exception {
        // at the point a's orders were 10 (qty 1), 11 (qty 6), 12 (qty 8), 15 (qty 2); --where "qty >= 5"
        try (Connection c = connect(); StagingTarget staging = staged(c, Set.of("public.orders"), List.of(),
                List.of(row(ORDERS_TARGET, "a", 10L, 1L, 1L), row(ORDERS_TARGET, "a", 11L, 1L, 6L), row(ORDERS_TARGET, "a", 12L, 1L, 8L),
                        row(ORDERS_TARGET, "a", 15L, 1L, 2L)))) {
            execute("UPDATE orders SET qty = 7 WHERE tenant_id = 'a' AND id = 10", // holds live only: put back to qty 1
                    "INSERT INTO orders VALUES ('a', 16, 1, 9), ('a', 17, 1, 1)"); // 16 holds live only: deleted; 17 neither: kept
            String other = rows("SELECT * FROM orders WHERE tenant_id = 'b'");
            assertThat(other).as("b's order 10 holds for it too, with a's key values").contains("b|10|1|7");
            Optional<RowPredicate> where = Optional.of(RowPredicate.parse("qty >= 5"));
            TenantRollback rollback = new TenantRollback(c, "a", "tenant_id", staging.staged(), where);

            assertThat(rollback.diff()).extracting(TableDiff::table, TableDiff::deletes, TableDiff::updates, TableDiff::inserts)
                    .containsExactly(tuple("public.orders", 1L, 2L, 1L));
            rollback.apply(5, 60);

            assertThat(rows("SELECT * FROM orders WHERE tenant_id = 'a'")).as("15 holds for it at no side: not put back")
                    .isEqualTo("a|10|1|1\na|11|1|6\na|12|1|8\na|17|1|1\n");
            assertThat(rows("SELECT * FROM orders WHERE tenant_id = 'b'")).isEqualTo(other);
        }
        try (Connection c = connect(); StagingTarget staging = staged(c, Set.of("public.orders"), List.of(), List.of())) {
            TenantRollback rollback = new TenantRollback(c, "a", "tenant_id", staging.staged(), Optional.of(RowPredicate.parse("nope = 1")));
            assertThatThrownBy(rollback::diff).isInstanceOf(BadInputException.class)
                    .hasMessageContaining("does not fit table public.orders: column \"nope\" does not exist");
        }
    }

    @Test
    void aTableWithoutAKeyToMatchOnIsRefusedByName() throws Exception {
        execute("CREATE TABLE events (tenant_id text, body text)");
        TableShape events = new TableShape("public.events", List.of("tenant_id", "body"), List.of("text", "text"), List.of());
        try (Connection c = connect(); StagingTarget staging = new StagingTarget(c, database, "tenant_id", Set.of())) {
            assertThatThrownBy(() -> staging.begin(new RestoreScope(TenantId.of("a"), 0, List.of(new TableTarget(events)), false)))
                    .isInstanceOf(BadInputException.class).hasMessageContaining("table public.events has no primary key and no replica identity");
        }
    }

    private StagingTarget staged(Connection c, Set<String> only, List<FoldedRow> customers, List<FoldedRow> orders) {
        StagingTarget staging = new StagingTarget(c, database, "tenant_id", only);
        staging.begin(new RestoreScope(TenantId.of("a"), 0, List.of(CUSTOMERS_TARGET, ORDERS_TARGET), false));
        customers.forEach(staging::apply);
        orders.forEach(staging::apply);
        staging.commit();
        return staging;
    }

    private static FoldedRow row(TableTarget table, Object... values) {
        return new FoldedRow(table, values, new Object[] {values[0], values[1]});
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(pg.jdbcUrl(database), pg.user(), pg.password());
    }

    private void execute(String... sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String statement : sql) {
                s.execute(statement);
            }
        }
    }

    private String rows(String sql) throws SQLException {
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
}
