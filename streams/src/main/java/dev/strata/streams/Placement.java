package dev.strata.streams;

import dev.strata.schemas.kafka.DeadLetterReason;
import dev.strata.schemas.kafka.PlacementValue;
import java.util.Set;
import java.util.TreeSet;

/** Decides, from a tenant's placement, where its change goes. Pure: the directory is looked up by the caller. */
final class Placement {
    private final Set<String> regimes;

    Placement(Set<String> regimes) {
        this.regimes = Set.copyOf(regimes);
    }

    /** @param placed the tenant's value in the placement directory, null if it has none */
    Decision decide(byte[] payload, String tenant, String placed) {
        if (placed == null) {
            return Decision.park(payload, tenant, DeadLetterReason.UNPLACED, "tenant " + tenant
                    + " has no placement: run 'restore-tool tenants put " + tenant
                    + " <regime>', then 'restore-tool dlq redrive --reason UNPLACED'");
        }
        PlacementValue placement = PlacementValue.parse(placed);
        if (placement.moving()) {
            return Decision.park(payload, tenant, DeadLetterReason.MOVING, "tenant " + tenant + " is being moved from regime "
                    + placement.movingFrom().get() + " to " + placement.regime() + " ('restore-tool tenants move'): its changes wait"
                    + " here and the move redrives them into " + placement.regime() + " when it ends");
        }
        String placedRegime = placement.regime();
        if (!regimes.contains(placedRegime)) {
            return Decision.park(payload, tenant, DeadLetterReason.UNKNOWN_REGIME, "tenant " + tenant
                    + " is placed in regime '" + placedRegime + "', which this router does not route to (routes to "
                    + new TreeSet<>(regimes) + "): fix the placement or add the regime to strata.regimes");
        }
        return Decision.route(payload, tenant, placedRegime);
    }
}
