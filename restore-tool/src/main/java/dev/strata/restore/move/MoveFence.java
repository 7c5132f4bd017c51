package dev.strata.restore.move;

import dev.strata.restore.kafka.PlacementDirectory;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.kafka.DeadLetterReason;
import dev.strata.schemas.kafka.DeadLetterWatch;
import dev.strata.schemas.kafka.PlacementValue;
import dev.strata.schemas.kafka.Topics;
import java.time.Duration;
import java.util.Properties;

/**
 * Stops the tenant's changes from reaching the regime it leaves, with proof. The placement becomes
 * {@code moving:<from>><to>}, and the router then parks every record of the tenant with reason MOVING, its heartbeats
 * (one a second from capture, even for an idle tenant) too. The router reads the tenant's records in order, one
 * partition of {@code strata.changes}, and commits what it routes and what it parks in the same transactions: so once
 * one record of the tenant is seen parked as MOVING, every earlier one has been routed to the old regime and committed,
 * and none later will be.
 */
final class MoveFence {
    private final Properties kafka;
    private final Duration limit;

    MoveFence(Properties kafka, Duration limit) {
        this.kafka = kafka;
        this.limit = limit;
    }

    /** Puts the moving placement (unless it is there: a move continued) and returns once the router proved it applies it. */
    void close(PlacementDirectory directory, TenantId tenant, String from, String to) throws InterruptedException {
        // watching before the put: the proof may come a moment after it
        try (DeadLetterWatch watch = DeadLetterWatch.fromNow(kafka, Duration.ofSeconds(30))) {
            PlacementValue moving = PlacementValue.moving(from, to);
            if (!directory.placementOf(tenant.value()).filter(moving::equals).isPresent()) {
                directory.put(tenant.value(), moving);
            }
            if (!watch.awaitParked(tenant.value(), DeadLetterReason.MOVING, limit)) {
                throw new IllegalStateException("no record of tenant " + tenant + " was parked as MOVING in " + Topics.DEAD_LETTERS
                        + " within " + limit.toSeconds() + " s, so nothing proves the router stopped sending it to " + from
                        + ": capture sends a heartbeat of every placed tenant each second, so check that capture and the router run,"
                        + " then run the move again (the tenant stays parked, nothing is lost)");
            }
        }
    }
}
