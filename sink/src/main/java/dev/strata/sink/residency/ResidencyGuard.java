package dev.strata.sink.residency;

import dev.strata.schemas.kafka.PlacementValue;
import java.util.Optional;

/**
 * The sink's half of residency (the router's is the other): an event whose tenant is placed in
 * another regime is refused, whatever topic it came from. Pure: the directory is passed in.
 *
 * <p>A tenant with no placement is accepted. The router only routes tenants it has seen placed in
 * this regime, and the directory the sink reads may trail the router's by a moment; refusing then
 * would park a legitimate backup. What is refused is a positive conflict: placed elsewhere. A tenant
 * being moved ({@link PlacementValue}) is accepted by the sinks of both regimes.
 */
public final class ResidencyGuard {
    private final String regime;
    private final Placements placements;

    public ResidencyGuard(String regime, Placements placements) {
        this.regime = regime;
        this.placements = placements;
    }

    /** Empty to accept; else where the tenant is placed, for the refusal's detail. */
    public Optional<String> refusal(String tenant) {
        return placements.regimeOf(tenant).map(PlacementValue::parse).filter(placed -> !placed.storableIn(regime))
                .map(PlacementValue::describe);
    }

    public String detail(String tenant, String placed) {
        return "tenant " + tenant + " is placed in regime '" + placed + "' but its change reached the sink of regime '" + regime
                + "': refused to keep it out of this regime's stores; check the router's placement view, then redrive with"
                + " 'restore-tool dlq redrive --reason WRONG_REGIME'";
    }

    String regime() {
        return regime;
    }
}
