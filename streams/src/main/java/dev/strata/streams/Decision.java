package dev.strata.streams;

import dev.strata.schemas.kafka.DeadLetterReason;

/**
 * What the router does with one record: route its unchanged bytes to a regime topic, or park them
 * in the dead-letter topic with a reason. Exactly one of {@code regime} and {@code reason} is set.
 */
record Decision(byte[] payload, String tenant, String regime, DeadLetterReason reason, String detail) {

    static Decision route(byte[] payload, String tenant, String regime) {
        return new Decision(payload, tenant, regime, null, null);
    }

    static Decision park(byte[] payload, String tenant, DeadLetterReason reason, String detail) {
        return new Decision(payload, tenant, null, reason, detail);
    }

    boolean routed() {
        return reason == null;
    }
}
