package dev.strata.restore.target.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.local.LocalPostgres;
import dev.strata.local.LocalStackExtension;
import dev.strata.restore.BadInputException;
import dev.strata.restore.target.FoldedRow;
import dev.strata.restore.target.RestoreScope;
import dev.strata.restore.target.TableTarget;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.ddl.DefinedColumn;
import dev.strata.schemas.ddl.TableDefinition;
import dev.strata.schemas.fold.TableShape;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A restore loads the tables it creates over two sessions through a staging schema: the rows are those of a restore on one
 * session, split between the two sessions' transactions; the staging schema is gone after a commit, after a failure, and,
 * for a restore that died, after the next restore into the database, which leaves a live restore's alone. It needs no
 * right a restore on one session does not.
 */
@ExtendWith(LocalStackExtension.class)
class StagedLoadIT {
    private static final TableShape ITEMS = new TableShape("public.items", List.of("tenant_id", "code", "note"),
            List.of("text", "text", "text"), List.of("code"));
    /** Over 4 MB of COPY data: several chunks, so both sessions get some. */
    private static final int ROWS = 100_000;

    @Test
    void twoSessionsLoadTheRowsOneSessionWouldAndLeaveNoStagingSchema(LocalPostgres pg) throws Exception {
        pg.createDatabase("staged_two");
        pg.createDatabase("staged_one");
        restore(new PostgresTarget(spec(pg, "staged_two"), "tenant_id", PostgresTarget.Selective.NONE, 2), ROWS);
        restore(new PostgresTarget(spec(pg, "staged_one"), "tenant_id", PostgresTarget.Selective.NONE, 1), ROWS);

        try (Connection two = connect(pg, "staged_two"); Connection one = connect(pg, "staged_one")) {
            assertThat(single(two, "SELECT md5(string_agg(i::text, '|' ORDER BY code)) FROM public.items i"))
                    .isEqualTo(single(one, "SELECT md5(string_agg(i::text, '|' ORDER BY code)) FROM public.items i"));
            assertThat(single(two, "SELECT count(*) FROM public.items")).isEqualTo(String.valueOf(ROWS));
            assertThat(single(two, "SELECT count(DISTINCT xmin::text) FROM public.items")).as("rows of both sessions").isEqualTo("2");
            assertThat(single(one, "SELECT count(DISTINCT xmin::text) FROM public.items")).isEqualTo("1");
            assertThat(single(two, "SELECT count(*) FROM pg_index WHERE indrelid = 'public.items'::regclass AND indisprimary"))
                    .isEqualTo("1");
            assertThat(stagingSchemas(two)).isEmpty();
        }
    }

    @Test
    void aDeadRestoresStagingIsDroppedByTheNextAndALiveOnesIsLeftAlone(LocalPostgres pg) throws Exception {
        pg.createDatabase("staged_reap");
        PostgresTarget dying = new PostgresTarget(spec(pg, "staged_reap"), "tenant_id", PostgresTarget.Selective.NONE, 2);
        TableTarget items = new TableTarget(ITEMS);
        dying.begin(new RestoreScope(TenantId.of("acme"), Long.MAX_VALUE, List.of(items), false));
        dying.apply(new FoldedRow(items, new Object[] {"acme", "a", "x"}, new Object[] {"a"}));
        dying.close(); // as if killed: no abort, its sessions end
        try (Connection c = connect(pg, "staged_reap")) {
            assertThat(stagingSchemas(c)).hasSize(1);
            awaitNoOtherSession(c); // a closed session's backend ends, and lets go of its locks, a moment after the close
        }
        try (Connection c = connect(pg, "staged_reap"); Connection live = connect(pg, "staged_reap")) {
            try (Statement s = live.createStatement()) {
                s.execute("CREATE SCHEMA strata_load_0123456789ab");
                live.setAutoCommit(false); // a live restore's session: the shared lock lasts while its transaction does
                s.execute("SELECT pg_advisory_xact_lock_shared(hashtextextended('strata_load_0123456789ab', 0))");
            }

            restore(new PostgresTarget(spec(pg, "staged_reap"), "tenant_id", PostgresTarget.Selective.NONE, 2), 10);

            assertThat(stagingSchemas(c)).containsExactly("strata_load_0123456789ab");
            assertThat(single(c, "SELECT count(*) FROM public.items")).isEqualTo("10");
            live.rollback();
        }
    }

    @Test
    void aUserWhoMayNotCreateSchemasIsRefusedAsOnOneSessionAndNothingIsLeft(LocalPostgres pg) throws Exception {
        pg.createDatabase("staged_plain_user");
        try (Connection admin = connect(pg, "staged_plain_user"); Statement s = admin.createStatement()) {
            s.execute("CREATE ROLE staged_restorer LOGIN PASSWORD 'staged-restorer'");
            s.execute("GRANT CREATE ON SCHEMA public TO staged_restorer");
        }
        PgConnectionSpec restorer = new PgConnectionSpec(pg.jdbcUrl("staged_plain_user"), "staged_restorer", "staged-restorer");

        for (int sessions : new int[] {1, 2}) {
            assertThatThrownBy(() -> restore(new PostgresTarget(restorer, "tenant_id", PostgresTarget.Selective.NONE, sessions), 10))
                    .isInstanceOf(BadInputException.class).hasMessageContaining("permission denied for database staged_plain_user")
                    .hasMessageContaining("create").hasMessageNotContaining("staged-restorer");
        }
        try (Connection c = connect(pg, "staged_plain_user")) {
            assertThat(single(c, "SELECT to_regclass('public.items') IS NULL")).isEqualTo("t");
            assertThat(stagingSchemas(c)).isEmpty();
        }
    }

    /**
     * Under a database default of REPEATABLE READ, a table with its definition (a serial key) and text COPY (an interval):
     * the restore's transaction still sees what the sessions loaded, so the sequence moves past the largest id, as on
     * one session.
     */
    @Test
    void aDefinedTableUnderRepeatableReadIsRestoredAsOnOneSession(LocalPostgres pg) throws Exception {
        for (String database : List.of("staged_rr_two", "staged_rr_one")) {
            pg.createDatabase(database);
            try (Connection c = connect(pg, database); Statement s = c.createStatement()) {
                s.execute("ALTER DATABASE " + database + " SET default_transaction_isolation = 'repeatable read'");
            }
            restoreOrders(new PostgresTarget(spec(pg, database), "tenant_id", PostgresTarget.Selective.NONE,
                    database.endsWith("two") ? 2 : 1));
        }
        try (Connection two = connect(pg, "staged_rr_two"); Connection one = connect(pg, "staged_rr_one")) {
            String rows = "SELECT md5(string_agg(o::text, '|' ORDER BY id)) FROM public.orders o";
            assertThat(single(two, rows)).isEqualTo(single(one, rows));
            assertThat(single(two, "SELECT count(DISTINCT xmin::text) FROM public.orders")).as("rows of both sessions").isEqualTo("2");
            try (Statement s = two.createStatement()) {
                s.execute("INSERT INTO public.orders (tenant_id, span) VALUES ('acme', '1 day')");
            }
            assertThat(single(two, "SELECT max(id) FROM public.orders")).as("the sequence moved past the restored ids")
                    .isEqualTo(String.valueOf(ROWS + 1));
            assertThat(stagingSchemas(two)).isEmpty();
        }
    }

    /**
     * What is not staged loads on the restore's own session as before: a restore with --where, and a table whose owned
     * sequence's name is taken (reused, as before); a table whose name a type holds is refused before any row loads.
     */
    @Test
    void whatCannotBeStagedLoadsOnOneSessionOrIsRefusedBeforeTheLoad(LocalPostgres pg) throws Exception {
        pg.createDatabase("staged_where");
        restoreOrders(new PostgresTarget(spec(pg, "staged_where"), "tenant_id",
                new PostgresTarget.Selective(Optional.empty(), Optional.of(RowPredicate.parse("id % 3 <> 0"))), 2));
        pg.createDatabase("staged_taken_sequence");
        try (Connection c = connect(pg, "staged_taken_sequence"); Statement s = c.createStatement()) {
            s.execute("CREATE SEQUENCE public.orders_id_seq");
        }
        restoreOrders(new PostgresTarget(spec(pg, "staged_taken_sequence"), "tenant_id", PostgresTarget.Selective.NONE, 2));
        for (String database : List.of("staged_where", "staged_taken_sequence")) {
            try (Connection c = connect(pg, database)) {
                assertThat(single(c, "SELECT count(DISTINCT xmin::text) FROM public.orders")).as(database + ": one session").isEqualTo("1");
                assertThat(stagingSchemas(c)).isEmpty();
            }
        }
        try (Connection c = connect(pg, "staged_where")) {
            assertThat(single(c, "SELECT count(*) FROM public.orders")).isEqualTo(String.valueOf(ROWS - ROWS / 3));
        }

        pg.createDatabase("staged_taken_type");
        try (Connection c = connect(pg, "staged_taken_type"); Statement s = c.createStatement()) {
            s.execute("CREATE TYPE public.orders AS (x int)");
        }
        assertThatThrownBy(() -> restoreOrders(new PostgresTarget(spec(pg, "staged_taken_type"), "tenant_id",
                PostgresTarget.Selective.NONE, 2))).isInstanceOf(BadInputException.class).hasMessageContaining("public.orders")
                .hasMessageContaining("already holds a relation or type named orders");
        try (Connection c = connect(pg, "staged_taken_type")) {
            assertThat(stagingSchemas(c)).isEmpty();
        }
    }

    private static void restoreOrders(PostgresTarget target) {
        TableTarget orders = orders();
        try (target) {
            target.begin(new RestoreScope(TenantId.of("acme"), Long.MAX_VALUE, List.of(orders), false));
            boolean committed = false;
            try {
                for (long id = 1; id <= ROWS; id++) {
                    target.apply(new FoldedRow(orders, new Object[] {id, "acme", id + " days"}, new Object[] {id}));
                }
                target.commit();
                committed = true;
            } finally {
                if (!committed) {
                    target.abort();
                }
            }
        }
    }

    private static TableTarget orders() {
        TableShape shape = new TableShape("public.orders", List.of("id", "tenant_id", "span"), List.of("bigint", "text", "interval"),
                List.of("id"));
        TableDefinition definition = new TableDefinition("test", "public.orders", List.of(
                new DefinedColumn(1, "id", "bigint", true, "nextval('public.orders_id_seq'::regclass)", "", "", null, false, false),
                new DefinedColumn(2, "tenant_id", "text", true, null, "", "", null, false, false),
                new DefinedColumn(3, "span", "interval", false, null, "", "", null, false, false)),
                List.of("id"), List.of(new TableDefinition.Constraint("orders_pkey", "p", "PRIMARY KEY (id)", null)), List.of(),
                List.of(new TableDefinition.OwnedSequence("id", "public.orders_id_seq", false)));
        return new TableTarget(shape, Optional.of(definition), false);
    }

    private static void awaitNoOtherSession(Connection c) throws Exception {
        String others = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()";
        for (int i = 0; i < 200 && !single(c, others).equals("0"); i++) {
            Thread.sleep(50);
        }
        assertThat(single(c, others)).as("the dead restore's sessions ended").isEqualTo("0");
    }

    private static void restore(PostgresTarget target, int rows) {
        TableTarget items = new TableTarget(ITEMS);
        try (target) {
            target.begin(new RestoreScope(TenantId.of("acme"), Long.MAX_VALUE, List.of(items), false));
            boolean committed = false;
            try {
                for (int i = 0; i < rows; i++) {
                    String code = String.format("code-%08d", i);
                    target.apply(new FoldedRow(items, new Object[] {"acme", code, "note of row " + i}, new Object[] {code}));
                }
                target.commit();
                committed = true;
            } finally {
                if (!committed) {
                    target.abort();
                }
            }
        }
    }

    static List<String> stagingSchemas(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT nspname FROM pg_namespace WHERE starts_with(nspname, 'strata_load_')"
                + " ORDER BY 1"); ResultSet r = s.executeQuery()) {
            List<String> names = new ArrayList<>();
            while (r.next()) {
                names.add(r.getString(1));
            }
            return names;
        }
    }

    private static String single(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getString(1);
        }
    }

    private static PgConnectionSpec spec(LocalPostgres pg, String database) {
        return new PgConnectionSpec(pg.jdbcUrl(database), pg.user(), pg.password());
    }

    private static Connection connect(LocalPostgres pg, String database) throws SQLException {
        return DriverManager.getConnection(pg.jdbcUrl(database), pg.user(), pg.password());
    }
}
