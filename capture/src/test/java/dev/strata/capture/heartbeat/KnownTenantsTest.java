package dev.strata.capture.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Placed tenants (as last read) and changed tenants (since start), once each, in a stable order. */
class KnownTenantsTest {
    @Test
    void placedAndChangedTenantsOnceEachSortedAndALaterReadReplacesThePlacedOnes() {
        KnownTenants known = new KnownTenants();
        known.changed("zeta");
        known.placed(List.of("acme", "zeta", "not a tenant!"));
        assertThat(known.all()).as("an id no event can carry is left out").containsExactly("acme", "zeta");

        known.placed(List.of("globex"));
        known.changed("initech");
        assertThat(known.all()).as("acme's placement was removed; zeta changed, so it stays")
                .containsExactly("globex", "initech", "zeta");
    }

    @Test
    void aDatabaseOfOneTenantSpeaksForItAloneAndASharedOneNotForTenantsFixedElsewhere() {
        KnownTenants fixed = KnownTenants.forDatabase(Optional.of("c1"), Set.of());
        fixed.placed(List.of("a1", "c1", "b1"));
        assertThat(fixed.all()).containsExactly("c1");

        KnownTenants shared = KnownTenants.forDatabase(Optional.empty(), Set.of("c1"));
        shared.placed(List.of("a1", "c1", "b1"));
        assertThat(shared.all()).as("c1's tables are in its own database").containsExactly("a1", "b1");
        shared.changed("c1");
        assertThat(shared.all()).as("a row of c1 here after all: its definitions must follow it").containsExactly("a1", "b1", "c1");
    }
}
