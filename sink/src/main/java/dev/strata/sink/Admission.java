package dev.strata.sink;

import dev.strata.schemas.TenantId;
import dev.strata.schemas.event.ChangeEventCodec;
import dev.strata.schemas.event.UndecodableEventException;
import dev.strata.schemas.kafka.DeadLetterReason;
import dev.strata.sink.erasure.ErasedTenants;
import dev.strata.sink.residency.ResidencyGuard;
import dev.strata.sink.segment.EventPeek;
import dev.strata.sink.segment.EventView;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the poll loop does with one record of its regime topic, decided from the record alone
 * before any ordering state moves: append it to its tenant's segment, count it as a heartbeat,
 * park it (undecodable, a bad tenant id, an erased tenant, a tenant placed in another regime), or drop it
 * (a heartbeat of an erased tenant or refused by residency: it carries no data to park). Owned by the poll thread.
 */
final class Admission {
    sealed interface Verdict permits Append, Heartbeat, Park, Drop {
    }

    record Append(TenantId tenant, EventView event) implements Verdict {
    }

    /** Never in a segment: it holds nothing, and waits for the commit that passes it. */
    record Heartbeat(TenantId tenant, EventView event) implements Verdict {
    }

    record Park(DeadLetterReason reason, String tenant, String detail) implements Verdict {
    }

    record Drop() implements Verdict {
    }

    private static final Logger LOG = LoggerFactory.getLogger(Admission.class);

    private final EventPeek peek = new EventPeek(new ChangeEventCodec());
    /** Tenant ids already validated: the id rule is a regex, too slow to run per event. */
    private final Map<String, TenantId> tenants = new HashMap<>();
    private final Set<String> refusedTenants = new HashSet<>();
    private final ResidencyGuard guard;
    private final ErasedTenants erased;
    private final SinkMetrics metrics;

    Admission(ResidencyGuard guard, ErasedTenants erased, SinkMetrics metrics) {
        this.guard = guard;
        this.erased = erased;
        this.metrics = metrics;
    }

    Verdict admit(byte[] value) {
        EventView event;
        try {
            event = peek.peek(value);
        } catch (UndecodableEventException e) {
            return new Park(DeadLetterReason.DECODE_ERROR, null, e.getMessage() + " (this sink may be older than the producer: upgrade it)");
        }
        String tenant = event.tenant();
        TenantId id = tenants.get(tenant);
        if (id == null) {
            if (!TenantId.isValid(tenant)) {
                return new Park(DeadLetterReason.BAD_TENANT_ID, null, "the change's tenant id is not valid: " + event.event().getEventId());
            }
            id = TenantId.of(tenant);
            tenants.put(tenant, id);
        }
        if (erased.erased(tenant)) {
            // never stored again: its keys are destroyed, and a new key would make its new changes readable
            return event.heartbeat() ? new Drop() : new Park(DeadLetterReason.ERASED, tenant, "tenant " + tenant + " was erased"
                    + " (restore-tool tenants erase): its changes are not backed up any more; stop writing them at the source");
        }
        Optional<String> placedIn = guard.refusal(tenant);
        if (placedIn.isPresent()) {
            metrics.residencyViolation();
            String detail = guard.detail(tenant, placedIn.get());
            if (refusedTenants.add(tenant)) {
                LOG.error("RESIDENCY: {} (further refusals of this tenant are only counted)", detail);
            }
            // a refused heartbeat moves no durable point here, and has no data to park
            return event.heartbeat() ? new Drop() : new Park(DeadLetterReason.WRONG_REGIME, tenant, detail);
        }
        return event.heartbeat() ? new Heartbeat(id, event) : new Append(id, event);
    }
}
