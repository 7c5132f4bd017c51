package dev.strata.streams;

import dev.strata.schemas.event.ChangeEventCodec;
import dev.strata.schemas.event.UndecodableEventException;
import dev.strata.schemas.kafka.DeadLetterHeaders;
import dev.strata.schemas.kafka.DeadLetterReason;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * Decodes a change, looks its tenant up in the placement directory and decides where it goes.
 * Undecodable bytes are parked here, inside the topology, rather than by a deserialization
 * handler: parking then takes part in the exactly-once transaction like any other output.
 */
final class RouteDecider implements FixedKeyProcessor<byte[], byte[], Decision> {
    private final String placementStore;
    private final Placement placement;
    private final ChangeEventCodec codec;
    private final RouterMetrics metrics;
    private final RedrivenPlacementWait redrivenWait;
    private FixedKeyProcessorContext<byte[], Decision> context;
    private TimestampedKeyValueStore<String, String> placements;

    RouteDecider(String placementStore, Placement placement, ChangeEventCodec codec, RouterMetrics metrics,
                 RedrivenPlacementWait redrivenWait) {
        this.placementStore = placementStore;
        this.placement = placement;
        this.codec = codec;
        this.metrics = metrics;
        this.redrivenWait = redrivenWait;
    }

    @Override
    public void init(FixedKeyProcessorContext<byte[], Decision> context) {
        this.context = context;
        this.placements = context.getStateStore(placementStore);
    }

    @Override
    public void process(FixedKeyRecord<byte[], byte[]> record) {
        Decision decision = decide(record);
        if (decision.routed()) {
            metrics.routed(decision.regime());
            context.forward(record.withValue(decision));
        } else {
            metrics.parked(decision.reason());
            context.forward(record.withValue(decision).withHeaders(explain(record.headers(), decision)));
        }
    }

    private Decision decide(FixedKeyRecord<byte[], byte[]> record) {
        String tenant;
        try {
            tenant = codec.decode(record.value()).getTenant();
        } catch (UndecodableEventException e) {
            String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
            return Decision.park(record.value(), key, DeadLetterReason.DECODE_ERROR, e.getMessage());
        }
        String regime = regimeOf(tenant);
        if (regime == null && record.headers().lastHeader(DeadLetterHeaders.REDRIVEN_FROM) != null) {
            regime = redrivenWait.await(tenant, () -> regimeOf(tenant));
        }
        return placement.decide(record.value(), tenant, regime);
    }

    private String regimeOf(String tenant) {
        ValueAndTimestamp<String> placed = placements.get(tenant);
        return placed == null ? null : placed.value();
    }

    private Headers explain(Headers original, Decision decision) {
        Headers headers = new RecordHeaders(original.toArray());
        put(headers, DeadLetterHeaders.REASON, decision.reason().name());
        put(headers, DeadLetterHeaders.DETAIL, decision.detail());
        if (decision.tenant() != null) {
            put(headers, DeadLetterHeaders.TENANT, decision.tenant());
        }
        context.recordMetadata().ifPresent(source -> putSource(headers, source));
        put(headers, DeadLetterHeaders.PARKED_AT_MILLIS, Long.toString(context.currentSystemTimeMs()));
        return headers;
    }

    private static void putSource(Headers headers, RecordMetadata source) {
        put(headers, DeadLetterHeaders.SOURCE_TOPIC, source.topic());
        put(headers, DeadLetterHeaders.SOURCE_PARTITION, Integer.toString(source.partition()));
        put(headers, DeadLetterHeaders.SOURCE_OFFSET, Long.toString(source.offset()));
    }

    private static void put(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
