package dev.strata.streams;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A redriven record's tenant was placed when the redrive read the placement directory, but the
 * router's own copy of it (a global store that another thread fills) can be a moment behind: parking
 * the record again then would undo the redrive. So, for a record that carries the redrive's header
 * and finds no placement, the decider waits a bounded time for the copy to change
 * ({@link PlacementUpdates}) and looks again after each change.
 *
 * <p>The wait holds the stream thread, so it is bounded well inside the exactly-once transaction
 * timeout (10 s in Kafka Streams), and a tenant that stays unplaced is given up on for a while, so
 * that a long redrive of a tenant placed and then removed costs one wait, not one per record.
 */
final class RedrivenPlacementWait {
    static final Duration BOUND = Duration.ofSeconds(5);
    static final Duration GIVE_UP_FOR = Duration.ofMinutes(1);

    private final Duration bound;
    private final PlacementUpdates updates;
    /** Per tenant, when (monotonic nanos) the last wait gave up. */
    private final Map<String, Long> gaveUp = new HashMap<>();

    RedrivenPlacementWait(Duration bound, PlacementUpdates updates) {
        this.bound = bound;
        this.updates = updates;
    }

    /** The tenant's regime once {@code lookup} finds one, or null when the bound passed first. */
    String await(String tenant, Supplier<String> lookup) {
        // a timeout, not a time of day: the monotonic clock
        long now = System.nanoTime();
        Long lastGaveUp = gaveUp.get(tenant);
        if (lastGaveUp != null && now - lastGaveUp < GIVE_UP_FOR.toNanos()) {
            return lookup.get();
        }
        long deadline = now + bound.toNanos();
        String regime = null;
        try {
            boolean mayChange = true;
            while (mayChange) {
                // the version first: a change between it and the lookup then ends the wait at once
                long seen = updates.version();
                regime = lookup.get();
                long remaining = deadline - System.nanoTime();
                mayChange = regime == null && remaining > 0
                        && updates.awaitChangeAfter(seen, Duration.ofNanos(remaining));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return lookup.get();
        }
        if (regime == null) {
            gaveUp.put(tenant, System.nanoTime());
        } else {
            gaveUp.remove(tenant);
        }
        return regime;
    }
}
