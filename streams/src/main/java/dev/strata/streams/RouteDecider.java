package dev.strata.streams;

import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Op;
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
 *
 * <p>A HEARTBEAT goes to its tenant's regime like any event (behind the tenant's earlier changes in
 * the same partition, which is what it proves durable); one that cannot be routed (its tenant is
 * not placed, or placed in a regime this router does not serve) is dropped and counted, never
 * parked: it carries no data, so there is nothing to redrive, and the next heartbeat after the
 * placement does its work. The one exception is a tenant being moved: its heartbeats are parked
 * like its changes, because the first record of it parked is the move's proof that this router
 * sends nothing more of it to the old regime (an idle tenant sends heartbeats only), and
 * redriven behind its changes they prove them durable in the new regime.
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
        ChangeEvent event;
        try {
            event = codec.decode(record.value());
        } catch (UndecodableEventException e) {
            String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
            park(record, Decision.park(record.value(), key, DeadLetterReason.DECODE_ERROR, e.getMessage()));
            return;
        }
        String tenant = event.getTenant();
        String regime = regimeOf(tenant);
        if (regime == null && record.headers().lastHeader(DeadLetterHeaders.REDRIVEN_FROM) != null) {
            regime = redrivenWait.await(tenant, () -> regimeOf(tenant));
        }
        Decision decision = placement.decide(record.value(), tenant, regime);
        if (event.getOp() == Op.HEARTBEAT) {
            heartbeat(record, decision);
        } else if (decision.routed()) {
            metrics.routed(decision.regime());
            context.forward(record.withValue(decision));
        } else {
            park(record, decision);
        }
    }

    private String regimeOf(String tenant) {
        ValueAndTimestamp<String> placed = placements.get(tenant);
        return placed == null ? null : placed.value();
    }

    private void park(FixedKeyRecord<byte[], byte[]> record, Decision decision) {
        metrics.parked(decision.reason());
        context.forward(record.withValue(decision).withHeaders(explain(record.headers(), decision)));
    }

    private void heartbeat(FixedKeyRecord<byte[], byte[]> record, Decision decision) {
        if (decision.routed()) {
            metrics.heartbeatRouted(decision.regime());
            context.forward(record.withValue(decision));
        } else if (decision.reason() == DeadLetterReason.MOVING) {
            park(record, decision);
        } else {
            metrics.heartbeatDropped(decision.reason());
        }
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
