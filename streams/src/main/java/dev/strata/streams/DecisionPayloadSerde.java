package dev.strata.streams;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** Writes a decision as the original payload bytes: the router never re-encodes a change. */
final class DecisionPayloadSerde implements Serde<Decision> {

    @Override
    public Serializer<Decision> serializer() {
        return (topic, decision) -> decision == null ? null : decision.payload();
    }

    @Override
    public Deserializer<Decision> deserializer() {
        throw new UnsupportedOperationException("decisions are written, never read back");
    }
}
