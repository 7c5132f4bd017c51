package dev.strata.restore.rollback;

import static dev.strata.restore.rollback.LiveTenants.CUSTOMERS;
import static dev.strata.restore.rollback.LiveTenants.CUSTOMERS_TARGET;
import static dev.strata.restore.rollback.LiveTenants.ORDERS;
import static dev.strata.restore.rollback.LiveTenants.ORDERS_TARGET;
import static dev.strata.restore.rollback.LiveTenants.changedKeys;
import static dev.strata.restore.rollback.LiveTenants.readAhead;
import static dev.strata.restore.rollback.LiveTenants.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.strata.local.LocalPostgres;
import dev.strata.local.LocalStackExtension;
import dev.strata.restore.BadInputException;
import dev.strata.restore.target.FoldedRow;
import dev.strata.restore.target.RestoreScope;
import dev.strata.restore.target.TableTarget;
import dev.strata.restore.target.postgres.CommitInDoubtException;
import dev.strata.restore.target.postgres.RowPredicate;
import dev.strata.restore.testing.CommitTerminator;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.fold.TableShape;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The apply half of a rollback on a real PostgreSQL, with the rows at the restore point given
 * directly (the fold that produces them is the replay's, tested elsewhere): another tenant's rows,
 * even with the same key values, are never touched; foreign keys hold at every statement; a row of
 * the tenant changed between the difference and the apply makes it refuse and change nothing.
 */
@ExtendWith(LocalStackExtension.class)
class TenantRollbackIT {
    private LiveTenants live;

    @BeforeEach
    void liveDatabase(LocalPostgres pg) throws Exception {
        live = LiveTenants.create(pg);
    }

    @Test
    void putsTheTenantsRowsBackInForeignKeyOrderAndLeavesTheOtherTenantAlone() throws Exception {
        // at the restore point a had customers 1, 2, 3 and orders 10 (qty 1), 11, 13 (of the customer 3 deleted since)
        try (Connection c = live.connect(); StagingTarget staging = staged(c, Set.of(),
                List.of(row(CUSTOMERS_TARGET, "a", 1L, "ann"), row(CUSTOMERS_TARGET, "a", 2L, "bob"), row(CUSTOMERS_TARGET, "a", 3L, "cy")),
                List.of(row(ORDERS_TARGET, "a", 10L, 1L, 1L), row(ORDERS_TARGET, "a", 11L, 1L, 5L), row(ORDERS_TARGET, "a", 13L, 3L, 2L)))) {
            live.execute("UPDATE orders SET qty = 99 WHERE tenant_id = 'a' AND id = 10",
                    "INSERT INTO customers VALUES ('a', 4, 'new')", "INSERT INTO orders VALUES ('a', 14, 4, 1)");
            String other = live.rows("SELECT * FROM customers WHERE tenant_id = 'b'") + live.rows("SELECT * FROM orders WHERE tenant_id = 'b'");
            TenantRollback rollback = new TenantRollback(c, "a", "tenant_id", staging.staged(), Optional.empty());

            List<TableDiff> diff = rollback.diff();
            assertThat(diff).extracting(TableDiff::table, TableDiff::deletes, TableDiff::updates, TableDiff::inserts).containsExactlyInAnyOrder(
                    tuple("public.customers", 1L, 0L, 1L),
                    tuple("public.orders", 1L, 1L, 1L));
            Map<String, long[]> done = rollback.apply(5, 60);

            assertThat(done.get("public.orders")).containsExactly(1, 1, 1);
            assertThat(live.rows("SELECT * FROM customers WHERE tenant_id = 'a'")).isEqualTo("a|1|ann\na|2|bob\na|3|cy\n");
            assertThat(live.rows("SELECT * FROM orders WHERE tenant_id = 'a'")).isEqualTo("a|10|1|1\na|11|1|5\na|13|3|2\n");
            assertThat(live.rows("SELECT * FROM customers WHERE tenant_id = 'b'") + live.rows("SELECT * FROM orders WHERE tenant_id = 'b'"))
                    .isEqualTo(other);
        }
    }

    @Test
    void aRowOfTheTenantChangedAfterTheDifferenceMakesItRefuseAndChangeNothing() throws Exception {
        try (Connection c = live.connect(); StagingTarget staging = staged(c, Set.of("public.orders"), List.of(),
                List.of(row(ORDERS_TARGET, "a", 10L, 1L, 1L)))) {
            TenantRollback rollback = new TenantRollback(c, "a", "tenant_id", staging.staged(), Optional.empty());
            rollback.diff();
            live.execute("UPDATE orders SET qty = 42 WHERE tenant_id = 'a' AND id = 10"); // the application writes meanwhile
            String before = live.rows("SELECT * FROM orders ORDER BY tenant_id, id");

            assertThatThrownBy(() -> rollback.apply(5, 60)).isInstanceOf(BadInputException.class)
                    .hasMessageContaining("public.orders (key [tenant_id, id] = a, 10) changed after the difference was computed");
            assertThat(live.rows("SELECT * FROM orders ORDER BY tenant_id, id")).as("nothing applied").isEqualTo(before);
        }
    }

    @Test
    void onTheFastPathOnlyTheChangedKeysAreComparedCheckedAndApplied() throws Exception {
        live.execute("UPDATE orders SET qty = 99 WHERE tenant_id = 'a' AND id = 10",
                "INSERT INTO customers VALUES ('a', 4, 'new')", "INSERT INTO orders VALUES ('a', 14, 4, 1)");
        Map<String, ChangesSince.TableKeys> changed = Map.of(
                "public.customers", changedKeys(CUSTOMERS, new Object[] {"a", 4L}),
                "public.orders", changedKeys(ORDERS, new Object[] {"a", 10L}, new Object[] {"a", 14L}));
        String other = live.rows("SELECT * FROM customers WHERE tenant_id = 'b'") + live.rows("SELECT * FROM orders WHERE tenant_id = 'b'");
        try (Connection c = live.connect(); StagingTarget staging = new StagingTarget(c, live.database(), "tenant_id", Set.of(), Optional.of(changed))) {
            staging.begin(new RestoreScope(TenantId.of("a"), 0, List.of(CUSTOMERS_TARGET, ORDERS_TARGET), false));
            // every row at the point; only those of changed keys are staged
            List.of(row(CUSTOMERS_TARGET, "a", 1L, "ann"), row(CUSTOMERS_TARGET, "a", 2L, "bob"), row(ORDERS_TARGET, "a", 10L, 1L, 1L),
                    row(ORDERS_TARGET, "a", 11L, 1L, 5L)).forEach(staging::apply);
            staging.commit();
            TenantRollback rollback = new TenantRollback(c, "a", "tenant_id", staging.staged(), Optional.empty());

            assertThat(rollback.diff()).extracting(TableDiff::table, TableDiff::deletes, TableDiff::updates, TableDiff::inserts)
                    .containsExactlyInAnyOrder(tuple("public.customers", 1L, 0L, 0L), tuple("public.orders", 1L, 1L, 0L));
            live.execute("UPDATE orders SET qty = 6 WHERE tenant_id = 'a' AND id = 11"); // a key not compared: as if written after
            rollback.apply(5, 60);

            assertThat(live.rows("SELECT * FROM customers WHERE tenant_id = 'a'")).isEqualTo("a|1|ann\na|2|bob\n");
            assertThat(live.rows("SELECT * FROM orders WHERE tenant_id = 'a'")).isEqualTo("a|10|1|1\na|11|1|6\n");
            assertThat(live.rows("SELECT * FROM customers WHERE tenant_id = 'b'") + live.rows("SELECT * FROM orders WHERE tenant_id = 'b'"))
                    .isEqualTo(other);
        }
        live.execute("UPDATE orders SET qty = 98 WHERE tenant_id = 'a' AND id = 10");
        try (Connection c = live.connect(); StagingTarget staging = new StagingTarget(c, live.database(), "tenant_id", Set.of("public.orders"),
                Optional.of(Map.of("public.orders", changedKeys(ORDERS, new Object[] {"a", 10L}))))) {
            staging.begin(new RestoreScope(TenantId.of("a"), 0, List.of(CUSTOMERS_TARGET, ORDERS_TARGET), false));
            staging.apply(row(ORDERS_TARGET, "a", 10L, 1L, 1L));
            staging.commit();
            TenantRollback rollback = new TenantRollback(c, "a", "tenant_id", staging.staged(), Optional.empty());
            rollback.diff();
            live.execute("UPDATE orders SET qty = 42 WHERE tenant_id = 'a' AND id = 10"); // a compared key written meanwhile

            assertThatThrownBy(() -> rollback.apply(5, 60)).isInstanceOf(BadInputException.class)
                    .hasMessageContaining("public.orders (key [tenant_id, id] = a, 10) changed after the difference was computed");
            assertThat(live.rows("SELECT qty FROM orders WHERE tenant_id = 'a' AND id = 10 ORDER BY qty")).isEqualTo("42\n");
        }
    }

    @Test
    void oldRowsStandForRowsAtThePointOnlyInATableOfFullIdentityWithCapturesSchemaHistoryOn() throws Exception {
        try (Connection c = live.connect()) {
            LiveTable orders = LiveTable.read(c, "public.orders", "tenant_id");
            assertThat(FastPathStaging.oldRowsTrusted(c, orders)).as("DEFAULT, no schema history").isFalse();
            assertThat(orders.identityCandidates(c)).containsExactlyInAnyOrder("tenant_id", "id");
            live.execute("CREATE UNIQUE INDEX orders_customer_qty ON orders (customer_id, qty)");
            assertThat(orders.identityCandidates(c)).as("USING INDEX could take any unique index")
                    .containsExactlyInAnyOrder("tenant_id", "id", "customer_id", "qty");
            live.execute("ALTER TABLE orders REPLICA IDENTITY FULL");
            assertThat(FastPathStaging.oldRowsTrusted(c, orders)).as("FULL, no schema history").isFalse();
            live.execute("CREATE FUNCTION stands_for_capture() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN END $$",
                    "CREATE EVENT TRIGGER " + FastPathStaging.SCHEMA_HISTORY_TRIGGER + " ON ddl_command_end EXECUTE FUNCTION stands_for_capture()");
            try {
                assertThat(FastPathStaging.oldRowsTrusted(c, orders)).as("FULL, schema history on").isTrue();
                assertThat(FastPathStaging.oldRowsTrusted(c, LiveTable.read(c, "public.customers", "tenant_id"))).as("DEFAULT").isFalse();
                live.execute("ALTER EVENT TRIGGER " + FastPathStaging.SCHEMA_HISTORY_TRIGGER + " ENABLE REPLICA");
                assertThat(FastPathStaging.oldRowsTrusted(c, orders)).as("its trigger firing in replica sessions only").isFalse();
                live.execute("ALTER EVENT TRIGGER " + FastPathStaging.SCHEMA_HISTORY_TRIGGER + " DISABLE");
                assertThat(FastPathStaging.oldRowsTrusted(c, orders)).as("its trigger disabled").isFalse();
            } finally {
                live.execute("DROP EVENT TRIGGER " + FastPathStaging.SCHEMA_HISTORY_TRIGGER); // event triggers are per database: tidy anyway
            }
        }
    }

    @Test
    void keysStagedInASecondPassAfterTheWaitJoinTheFirstPassesTablesOrAddTheirOwn() throws Exception {
        live.execute("UPDATE orders SET qty = 99 WHERE tenant_id = 'a' AND id = 10",
                "INSERT INTO customers VALUES ('a', 4, 'new')", "INSERT INTO orders VALUES ('a', 14, 4, 1)");
        List<FoldedRow> atPoint = List.of(row(CUSTOMERS_TARGET, "a", 1L, "ann"), row(CUSTOMERS_TARGET, "a", 2L, "bob"),
                row(ORDERS_TARGET, "a", 10L, 1L, 1L), row(ORDERS_TARGET, "a", 11L, 1L, 5L));
        // the first pass's newest-first read stopped before any change of customers: only the second stages it
        RestoreScope firstScope = new RestoreScope(TenantId.of("a"), 0, List.of(ORDERS_TARGET), false);
        RestoreScope scope = new RestoreScope(TenantId.of("a"), 0, List.of(CUSTOMERS_TARGET, ORDERS_TARGET), false);
        Map<String, ChangesSince.TableKeys> firstChanged = Map.of("public.orders", changedKeys(ORDERS, new Object[] {"a", 10L}));
        try (Connection c = live.connect();
             StagingTarget first = new StagingTarget(c, live.database(), "tenant_id", Set.of(), Optional.of(firstChanged), "strata_rollback_",
                     Optional.of(readAhead(c, firstChanged)));
             StagingTarget second = new StagingTarget(c, live.database(), "tenant_id", Set.of(), Optional.of(Map.of(
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

            assertThat(live.rows("SELECT * FROM customers WHERE tenant_id = 'a'")).isEqualTo("a|1|ann\na|2|bob\n");
            assertThat(live.rows("SELECT * FROM orders WHERE tenant_id = 'a'")).isEqualTo("a|10|1|1\na|11|1|5\n");
        }
    }

    @Test
    void withAPredicateOnlyTheKeysItHoldsForAtThePointOrLiveAreRolledBack() throws Exception {
        // at the point a's orders were 10 (qty 1), 11 (qty 6), 12 (qty 8), 15 (qty 2); --where "qty >= 5"
        try (Connection c = live.connect(); StagingTarget staging = staged(c, Set.of("public.orders"), List.of(),
                List.of(row(ORDERS_TARGET, "a", 10L, 1L, 1L), row(ORDERS_TARGET, "a", 11L, 1L, 6L), row(ORDERS_TARGET, "a", 12L, 1L, 8L),
                        row(ORDERS_TARGET, "a", 15L, 1L, 2L)))) {
            live.execute("UPDATE orders SET qty = 7 WHERE tenant_id = 'a' AND id = 10", // holds live only: put back to qty 1
                    "INSERT INTO orders VALUES ('a', 16, 1, 9), ('a', 17, 1, 1)"); // 16 holds live only: deleted; 17 neither: kept
            String other = live.rows("SELECT * FROM orders WHERE tenant_id = 'b'");
            assertThat(other).as("b's order 10 holds for it too, with a's key values").contains("b|10|1|7");
            Optional<RowPredicate> where = Optional.of(RowPredicate.parse("qty >= 5"));
            TenantRollback rollback = new TenantRollback(c, "a", "tenant_id", staging.staged(), where);

            assertThat(rollback.diff()).extracting(TableDiff::table, TableDiff::deletes, TableDiff::updates, TableDiff::inserts)
                    .containsExactly(tuple("public.orders", 1L, 2L, 1L));
            rollback.apply(5, 60);

            assertThat(live.rows("SELECT * FROM orders WHERE tenant_id = 'a'")).as("15 holds for it at no side: not put back")
                    .isEqualTo("a|10|1|1\na|11|1|6\na|12|1|8\na|17|1|1\n");
            assertThat(live.rows("SELECT * FROM orders WHERE tenant_id = 'b'")).isEqualTo(other);
        }
        try (Connection c = live.connect(); StagingTarget staging = staged(c, Set.of("public.orders"), List.of(), List.of())) {
            TenantRollback rollback = new TenantRollback(c, "a", "tenant_id", staging.staged(), Optional.of(RowPredicate.parse("nope = 1")));
            assertThatThrownBy(rollback::diff).isInstanceOf(BadInputException.class)
                    .hasMessageContaining("does not fit table public.orders: column \"nope\" does not exist");
        }
    }

    @Test
    void aTableWithoutAKeyToMatchOnIsRefusedByName() throws Exception {
        live.execute("CREATE TABLE events (tenant_id text, body text)");
        TableShape events = new TableShape("public.events", List.of("tenant_id", "body"), List.of("text", "text"), List.of());
        try (Connection c = live.connect(); StagingTarget staging = new StagingTarget(c, live.database(), "tenant_id", Set.of())) {
            assertThatThrownBy(() -> staging.begin(new RestoreScope(TenantId.of("a"), 0, List.of(new TableTarget(events)), false)))
                    .isInstanceOf(BadInputException.class).hasMessageContaining("table public.events has no primary key and no replica identity");
        }
    }

    @Test
    void aSessionThatEndsWhileTheCommitIsInFlightLeavesTheRollbackInDoubtNotUnchanged(LocalPostgres pg) throws Exception {
        // a deferred trigger holds the COMMIT on the server until the session is terminated from outside
        live.execute("UPDATE orders SET qty = 99 WHERE tenant_id = 'a' AND id = 10",
                "CREATE FUNCTION hold() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(60); RETURN NULL; END $$",
                "CREATE CONSTRAINT TRIGGER held AFTER UPDATE ON orders DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION hold()");
        try (Connection c = live.connect(); StagingTarget staging = staged(c, Set.of("public.orders"), List.of(),
                List.of(row(ORDERS_TARGET, "a", 10L, 1L, 1L)))) {
            TenantRollback rollback = new TenantRollback(c, "a", "tenant_id", staging.staged(), Optional.empty());
            rollback.diff();
            long pid = live.single(c, "SELECT pg_backend_pid()");
            CompletableFuture<Boolean> terminated = CommitTerminator.terminate(pg, live.database(), "pid = " + pid);

            assertThatThrownBy(() -> rollback.apply(5, 120)).isInstanceOf(CommitInDoubtException.class)
                    .hasMessageContaining("the session ended while its COMMIT was in flight");
            assertThat(terminated.get(30, TimeUnit.SECONDS)).as("the session was terminated in its COMMIT").isTrue();
        }
    }

    @Test
    void aCommitTheServerRefusesIsAnErrorThatChangedNothingNotADoubt() throws Exception {
        live.execute("CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused at commit'; END $$",
                "CREATE CONSTRAINT TRIGGER refused AFTER UPDATE ON orders DEFERRABLE INITIALLY DEFERRED FOR EACH ROW"
                        + " WHEN (NEW.qty = 1) EXECUTE FUNCTION refuse()",
                "UPDATE orders SET qty = 99 WHERE tenant_id = 'a' AND id = 10");
        String before = live.rows("SELECT * FROM orders ORDER BY tenant_id, id");
        try (Connection c = live.connect(); StagingTarget staging = staged(c, Set.of("public.orders"), List.of(),
                List.of(row(ORDERS_TARGET, "a", 10L, 1L, 1L)))) {
            TenantRollback rollback = new TenantRollback(c, "a", "tenant_id", staging.staged(), Optional.empty());
            rollback.diff();

            assertThatThrownBy(() -> rollback.apply(5, 60)).isInstanceOf(SQLException.class)
                    .isNotInstanceOf(CommitInDoubtException.class).hasMessageContaining("refused at commit");
            assertThat(live.rows("SELECT * FROM orders ORDER BY tenant_id, id")).as("nothing applied").isEqualTo(before);
            assertThat(c.isValid(5)).as("the session goes on").isTrue();
        }
    }

    private StagingTarget staged(Connection c, Set<String> only, List<FoldedRow> customers, List<FoldedRow> orders) {
        StagingTarget staging = new StagingTarget(c, live.database(), "tenant_id", only);
        staging.begin(new RestoreScope(TenantId.of("a"), 0, List.of(CUSTOMERS_TARGET, ORDERS_TARGET), false));
        customers.forEach(staging::apply);
        orders.forEach(staging::apply);
        staging.commit();
        return staging;
    }

}
