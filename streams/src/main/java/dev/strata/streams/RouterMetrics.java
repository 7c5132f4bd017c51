package dev.strata.streams;

import dev.strata.schemas.kafka.DeadLetterReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Router counters: {@code strata_router_routed_total{regime}} (changes),
 * {@code strata_router_dead_letters_total{reason}}, {@code strata_router_heartbeats_routed_total{regime}} and
 * {@code strata_router_heartbeats_dropped_total{reason}} (heartbeats of a tenant that is not placed, UNPLACED, or is
 * placed in a regime this router does not serve, UNKNOWN_REGIME: they carry no data, so they are not parked). Under exactly-once a retried batch is counted
 * again: these are operational rates, the regime topics are the record of truth.
 */
final class RouterMetrics {
    static final String ROUTED = "strata.router.routed";
    static final String DEAD_LETTERS = "strata.router.dead.letters";
    static final String HEARTBEATS_ROUTED = "strata.router.heartbeats.routed";
    static final String HEARTBEATS_DROPPED = "strata.router.heartbeats.dropped";
    /** The reasons a heartbeat cannot be routed: the placement's, never the bytes' (an undecodable record has no op). */
    private static final Set<DeadLetterReason> UNROUTABLE = Set.of(DeadLetterReason.UNPLACED, DeadLetterReason.UNKNOWN_REGIME);

    private final Map<String, Counter> routed = new ConcurrentHashMap<>();
    private final Map<DeadLetterReason, Counter> parked = new EnumMap<>(DeadLetterReason.class);
    private final Map<String, Counter> heartbeatsRouted = new ConcurrentHashMap<>();
    private final Map<DeadLetterReason, Counter> heartbeatsDropped = new EnumMap<>(DeadLetterReason.class);

    RouterMetrics(MeterRegistry registry, Set<String> regimes) {
        // Registered up front so that a dashboard shows 0, not "no data", before the first event.
        for (String regime : regimes) {
            routed.put(regime, Counter.builder(ROUTED).description("changes routed to a regime topic")
                    .tag("regime", regime).register(registry));
            heartbeatsRouted.put(regime, Counter.builder(HEARTBEATS_ROUTED).description("heartbeats routed to a regime topic")
                    .tag("regime", regime).register(registry));
        }
        for (DeadLetterReason reason : UNROUTABLE) {
            heartbeatsDropped.put(reason, Counter.builder(HEARTBEATS_DROPPED)
                    .description("heartbeats dropped: their tenant is not placed in a regime this router serves")
                    .tag("reason", reason.name()).register(registry));
        }
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            parked.put(reason, Counter.builder(DEAD_LETTERS).description("records parked in the dead-letter topic")
                    .tag("reason", reason.name()).register(registry));
        }
    }

    void routed(String regime) {
        routed.get(regime).increment();
    }

    void parked(DeadLetterReason reason) {
        parked.get(reason).increment();
    }

    void heartbeatRouted(String regime) {
        heartbeatsRouted.get(regime).increment();
    }

    void heartbeatDropped(DeadLetterReason reason) {
        heartbeatsDropped.get(reason).increment();
    }
}
