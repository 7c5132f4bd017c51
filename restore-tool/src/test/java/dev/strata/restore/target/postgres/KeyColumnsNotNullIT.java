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
import dev.strata.schemas.fold.TableShape;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A table created without a captured definition gets its key columns NOT NULL before the load (so
 * the key's build needs no scan for NULLs). A row with a NULL key (a custom message key over a
 * nullable column) is refused naming the table and column, never the row's values; with --where
 * leaving such rows out, the restore still succeeds, as before.
 */
@ExtendWith(LocalStackExtension.class)
class KeyColumnsNotNullIT {
    private static final TableShape ITEMS = new TableShape("public.items", List.of("tenant_id", "code", "secret_note"),
            List.of("text", "text", "text"), List.of("code"));

    @Test
    void aNullKeyIsRefusedByTableAndColumnWithoutTheRowAndNothingIsCommitted(LocalPostgres pg) throws Exception {
        for (int sessions : new int[] {1, 2}) { // the restore's own session, and the load's own sessions with a staging schema
            String database = "nn_refused_" + sessions;
            pg.createDatabase(database);
            PostgresTarget target = new PostgresTarget(spec(pg, database), "tenant_id", PostgresTarget.Selective.NONE, sessions);

            assertThatThrownBy(() -> restore(target))
                    .isInstanceOf(BadInputException.class)
                    .hasMessageContaining("public.items").hasMessageContaining("column code")
                    .hasMessageContaining("--where \"code IS NOT NULL\"").hasMessageContaining("nothing was committed")
                    .hasMessageNotContaining("do not print me");
            try (Connection c = connect(pg, database); Statement s = c.createStatement();
                 ResultSet r = s.executeQuery("SELECT to_regclass('public.items') IS NULL")) {
                assertThat(r.next() && r.getBoolean(1)).as("the table was not left behind").isTrue();
                assertThat(StagedLoadIT.stagingSchemas(c)).as("nor its staging schema").isEmpty();
            }
        }
    }

    @Test
    void withWhereLeavingTheNullKeysOutTheRestoreSucceedsWithItsKey(LocalPostgres pg) throws Exception {
        pg.createDatabase("nn_where");
        PostgresTarget target = new PostgresTarget(spec(pg, "nn_where"), "tenant_id",
                new PostgresTarget.Selective(Optional.empty(), Optional.of(RowPredicate.parse("code IS NOT NULL"))));

        restore(target);

        try (Connection c = connect(pg, "nn_where"); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT string_agg(code, ',' ORDER BY code), (SELECT count(*) FROM pg_index"
                     + " WHERE indrelid = 'public.items'::regclass AND indisprimary) FROM public.items")) {
            r.next();
            assertThat(r.getString(1)).isEqualTo("a,b");
            assertThat(r.getLong(2)).as("the primary key was built").isEqualTo(1);
        }
    }

    private static void restore(PostgresTarget target) {
        TableTarget items = new TableTarget(ITEMS);
        try (target) {
            target.begin(new RestoreScope(TenantId.of("acme"), Long.MAX_VALUE, List.of(items), false));
            List<Object[]> rows = new ArrayList<>();
            rows.add(new Object[] {"acme", "a", "x"});
            rows.add(new Object[] {"acme", null, "do not print me"});
            rows.add(new Object[] {"acme", "b", "y"});
            boolean committed = false;
            try {
                for (Object[] row : rows) {
                    target.apply(new FoldedRow(items, row, new Object[] {row[1]}));
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

    private static PgConnectionSpec spec(LocalPostgres pg, String database) {
        return new PgConnectionSpec(pg.jdbcUrl(database), pg.user(), pg.password());
    }

    private static Connection connect(LocalPostgres pg, String database) throws Exception {
        return DriverManager.getConnection(pg.jdbcUrl(database), pg.user(), pg.password());
    }
}
