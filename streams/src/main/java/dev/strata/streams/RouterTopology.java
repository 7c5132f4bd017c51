package dev.strata.streams;

import dev.strata.schemas.event.ChangeEventCodec;
import dev.strata.schemas.kafka.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * The router as a pure builder, used by {@link RouterMain} and by the topology tests:
 * {@code strata.changes} -> placement lookup -> {@code strata.routed.<regime>} or {@code strata.dlq}.
 */
public final class RouterTopology {
    static final String PLACEMENT_STORE = "strata-placements";

    private RouterTopology() {
    }

    /** The topology; its counters are registered in {@code registry}. */
    public static Topology build(RouterConfig config, MeterRegistry registry) {
        return build(config, registry, RedrivenPlacementWait.BOUND);
    }

    /** @param redrivenWait how long a redriven change waits for its tenant's placement to reach the router */
    static Topology build(RouterConfig config, MeterRegistry registry, Duration redrivenWait) {
        RouterMetrics metrics = new RouterMetrics(registry, config.regimes());
        StreamsBuilder builder = new StreamsBuilder();
        PlacementUpdates updates = new PlacementUpdates();
        builder.addGlobalStore(
                Stores.timestampedKeyValueStoreBuilder(Stores.persistentTimestampedKeyValueStore(PLACEMENT_STORE),
                        Serdes.String(), Serdes.String()).withLoggingDisabled(),
                Topics.TENANTS, Consumed.with(Serdes.String(), Serdes.String()),
                () -> new PlacementCopyUpdater(PLACEMENT_STORE, updates));
        Placement placement = new Placement(config.regimes());
        ChangeEventCodec codec = new ChangeEventCodec();

        KStream<byte[], Decision> decided = builder
                .stream(Topics.CHANGES, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
                .processValues(() -> new RouteDecider(PLACEMENT_STORE, placement, codec, metrics, new RedrivenPlacementWait(redrivenWait, updates)),
                        Named.as("decide"));
        Produced<byte[], Decision> payloadOnly = Produced.with(Serdes.ByteArray(), new DecisionPayloadSerde());
        decided.split(Named.as("decision-"))
                .branch((key, decision) -> decision.routed(), Branched.withConsumer(
                        routed -> routed.to((key, decision, context) -> Topics.routed(decision.regime()), payloadOnly),
                        "routed"))
                .defaultBranch(Branched.withConsumer(parked -> parked.to(Topics.DEAD_LETTERS, payloadOnly), "parked"));
        return builder.build();
    }
}
