package dev.strata.restore.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.restore.BadInputException;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TableSelectionTest {

    @Test
    void aTableTheTenantLacksIsRefusedNamingItAndListingItsTables() {
        TableSelection selection = TableSelection.of(List.of("public.orders", "public.nope"));
        assertThat(selection.includes("public.orders")).isTrue();
        assertThat(selection.includes("public.customers")).isFalse();
        assertThatThrownBy(() -> selection.requireAmong("acme", Set.of("public.orders", "public.customers")))
                .isInstanceOf(BadInputException.class)
                .hasMessage("--table public.nope: tenant acme has no such table at or before the restore point; its tables there:"
                        + " [public.customers, public.orders]");
    }

    @Test
    void noTableNamedMeansEveryTableAndAnUnqualifiedNameIsRefused() {
        assertThat(TableSelection.of(List.of()).includes("any.table")).isTrue();
        TableSelection.ALL.requireAmong("acme", Set.of());
        assertThatThrownBy(() -> TableSelection.of(List.of("orders"))).hasMessageContaining("--table public.orders");
    }
}
