package dev.strata.streams;

import dev.strata.schemas.kafka.DeadLetterReason;
import java.util.Set;
import java.util.TreeSet;

/** Decides, from a tenant's placement, where its change goes. Pure: the directory is looked up by the caller. */
final class Placement {
    private final Set<String> regimes;

    Placement(Set<String> regimes) {
        this.regimes = Set.copyOf(regimes);
    }

    Decision decide(byte[] payload, String tenant, String placedRegime) {
        if (placedRegime == null) {
            return Decision.park(payload, tenant, DeadLetterReason.UNPLACED, "tenant " + tenant
                    + " has no placement: run 'restore-tool tenants put " + tenant
                    + " <regime>', then 'restore-tool dlq redrive --reason UNPLACED'");
        }
        if (!regimes.contains(placedRegime)) {
            return Decision.park(payload, tenant, DeadLetterReason.UNKNOWN_REGIME, "tenant " + tenant
                    + " is placed in regime '" + placedRegime + "', which this router does not route to (routes to "
                    + new TreeSet<>(regimes) + "): fix the placement or add the regime to strata.regimes");
        }
        return Decision.route(payload, tenant, placedRegime);
    }
}
