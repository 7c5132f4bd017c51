package dev.strata.restore.target.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.local.LocalPostgres;
import dev.strata.local.LocalStackExtension;
import dev.strata.restore.target.FoldedRow;
import dev.strata.restore.target.RestoreScope;
import dev.strata.restore.target.TableTarget;
import dev.strata.restore.testing.CommitTerminator;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.fold.TableShape;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A restore whose session ends while its COMMIT is in flight says it cannot tell whether it committed, never that nothing
 * was: a deferred trigger on the (existing, empty) target table holds the COMMIT on the server until the session is
 * terminated from outside, as a server shut down or a connection lost at that moment would end it.
 */
@ExtendWith(LocalStackExtension.class)
class CommitInDoubtIT {
    private static final String DATABASE = "commit_in_doubt";
    private static final TableShape ITEMS = new TableShape("public.items", List.of("tenant_id", "code", "note"),
            List.of("text", "text", "text"), List.of("code"));

    @Test
    void aRestoreWhoseSessionEndsInItsCommitIsInDoubt(LocalPostgres pg) throws Exception {
        pg.createDatabase(DATABASE);
        try (Connection c = connect(pg); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE public.items (tenant_id text, code text PRIMARY KEY, note text)");
            s.execute("CREATE FUNCTION hold() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(60); RETURN NULL; END $$");
            s.execute("CREATE CONSTRAINT TRIGGER held AFTER INSERT ON public.items DEFERRABLE INITIALLY DEFERRED FOR EACH ROW"
                    + " EXECUTE FUNCTION hold()");
        }
        PostgresTarget target = new PostgresTarget(new PgConnectionSpec(pg.jdbcUrl(DATABASE), pg.user(), pg.password()), "tenant_id",
                PostgresTarget.Selective.NONE, 1);
        CompletableFuture<Boolean> terminated = CommitTerminator.terminate(pg, DATABASE, "application_name = 'strata restore-tool'");

        assertThatThrownBy(() -> restore(target)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot tell whether the restore into").hasMessageContaining("the session ended while its COMMIT was in flight")
                .hasMessageNotContaining("nothing was committed");
        assertThat(terminated.get(30, TimeUnit.SECONDS)).as("the restore's session was terminated in its COMMIT").isTrue();
    }

    private static void restore(PostgresTarget target) {
        TableTarget items = new TableTarget(ITEMS);
        try (target) {
            target.begin(new RestoreScope(TenantId.of("acme"), Long.MAX_VALUE, List.of(items), false));
            try {
                target.apply(new FoldedRow(items, new Object[] {"acme", "a", "x"}, new Object[] {"a"}));
                target.commit();
            } catch (RuntimeException e) {
                target.abort();
                throw e;
            }
        }
    }

    private static Connection connect(LocalPostgres pg) throws SQLException {
        return DriverManager.getConnection(pg.jdbcUrl(DATABASE), pg.user(), pg.password());
    }
}
