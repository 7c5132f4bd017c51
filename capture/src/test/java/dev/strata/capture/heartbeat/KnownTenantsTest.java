package dev.strata.capture.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
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
}
