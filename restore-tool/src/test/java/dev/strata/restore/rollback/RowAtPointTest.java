package dev.strata.restore.rollback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.restore.replay.RowAtPoint;
import dev.strata.schemas.fold.FoldOp;
import dev.strata.schemas.fold.TableShape;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** Which old rows a rollback's fast path stages as their key's row at the point instead of reading the log for it. */
class RowAtPointTest {
    private static final LiveTable SHARED = new LiveTable("public.notes", "public.notes", 1, List.of("id", "tenant_id", "body"),
            List.of("id"), true);
    private static final Predicate<RowAtPoint> ACME = FastPathStaging.rowAtPoint(SHARED, Set.of("id"), "tenant_id", "acme");

    @Test
    void aWholeOldRowOfTheTenantStandsForItsKeysRowAtThePoint() {
        assertThat(ACME).accepts(row(List.of("id", "tenant_id", "body"), 1L, "acme", "b"));
        assertThat(ACME).as("a column the live table no longer has, after a DDL the log refuses elsewhere")
                .accepts(row(List.of("id", "tenant_id", "body", "gone"), 1L, "acme", "b", null));
    }

    @Test
    void anOldRowOfTheKeysColumnsAloneOrOfAnotherTenantDoesNot() {
        assertThat(ACME).as("REPLICA IDENTITY DEFAULT").rejects(row(List.of("id"), 1L));
        assertThat(ACME).as("a column missing").rejects(row(List.of("id", "tenant_id"), 1L, "acme"));
        assertThat(ACME).as("moved from another tenant").rejects(row(List.of("id", "tenant_id", "body"), 1L, "globex", "b"));
        assertThat(ACME).as("moved from no tenant").rejects(row(List.of("id", "tenant_id", "body"), 1L, null, "b"));
    }

    @Test
    void anOldRowWithNoValueOutsideTheColumnsAnIdentityCouldSendAloneIsTakenForNULLFilled() {
        Predicate<RowAtPoint> byIndex = FastPathStaging.rowAtPoint(SHARED, Set.of("id", "tenant_id", "body"), "tenant_id", "acme");
        assertThat(byIndex).as("every column in a unique index: nothing proves it was not cut down")
                .rejects(row(List.of("id", "tenant_id", "body"), 1L, "acme", "b"));
        LiveTable own = new LiveTable("acme.notes", "acme.notes", 2, List.of("id", "body", "note"), List.of("id"), false);
        Predicate<RowAtPoint> byKey = FastPathStaging.rowAtPoint(own, Set.of("id"), "tenant_id", "acme");
        assertThat(byKey).as("logged under DEFAULT: NULL but for the key").rejects(row(List.of("id", "body", "note"), 1L, null, null));
        assertThat(byKey).accepts(row(List.of("id", "body", "note"), 1L, null, "n"));
    }

    @Test
    void inATableOfOneTenantTheTenantIsNotAsked() {
        LiveTable own = new LiveTable("acme.notes", "acme.notes", 2, List.of("id", "body"), List.of("id"), false);
        assertThat(FastPathStaging.rowAtPoint(own, Set.of("id"), "tenant_id", "acme")).accepts(row(List.of("id", "body"), 1L, "b"));
    }

    private static RowAtPoint row(List<String> columns, Object... values) {
        TableShape shape = new TableShape("public.notes", columns, columns.stream().map(c -> "text").toList(), List.of("id"));
        return new RowAtPoint(shape, new FoldOp(0, 0, FoldOp.Kind.UPSERT, 1, 1, new byte[] {1}, new byte[20]), values);
    }
}
