package dev.strata.schemas.kafka;

import java.util.Objects;
import java.util.Optional;

/**
 * A tenant's value in {@code strata.tenants}: the regime it is placed in, or, while {@code restore-tool tenants move}
 * runs, {@code moving:<from>><to>}. A moving tenant's changes are all parked by the router with reason MOVING, its
 * heartbeats too: the first record parked so proves that nothing more of it goes to {@code <from>}. The sinks of
 * both regimes accept it meanwhile: the old one for what the router sent before, the new one for the history the
 * move copies in. Regime names never hold ':' or '>', so no regime is mistaken for a move.
 *
 * @param regime where the tenant's changes go: the move's target while it moves
 * @param movingFrom the regime it is leaving, while a move runs
 */
public record PlacementValue(String regime, Optional<String> movingFrom) {
    private static final String MOVING = "moving:";
    private static final String ARROW = ">";

    public PlacementValue {
        Objects.requireNonNull(regime, "regime");
        Objects.requireNonNull(movingFrom, "movingFrom");
    }

    public static PlacementValue placed(String regime) {
        return new PlacementValue(regime, Optional.empty());
    }

    public static PlacementValue moving(String from, String to) {
        return new PlacementValue(to, Optional.of(from));
    }

    /**
     * Reads a stored value. Anything that is not a well-formed move is taken as a regime name, as every version before
     * moves did: an unknown one is then parked (router) or refused (sinks) as before.
     */
    public static PlacementValue parse(String value) {
        String trimmed = value.trim();
        if (trimmed.startsWith(MOVING)) {
            String[] fromTo = trimmed.substring(MOVING.length()).split(ARROW, -1);
            if (fromTo.length == 2 && !fromTo[0].isEmpty() && !fromTo[1].isEmpty()) {
                return moving(fromTo[0], fromTo[1]);
            }
        }
        return placed(trimmed);
    }

    public boolean moving() {
        return movingFrom.isPresent();
    }

    /** Whether a sink of {@code sinkRegime} may store the tenant's changes. */
    public boolean storableIn(String sinkRegime) {
        return regime.equals(sinkRegime) || movingFrom.filter(sinkRegime::equals).isPresent();
    }

    /** The value as {@code strata.tenants} stores it. */
    public String format() {
        return movingFrom.map(from -> MOVING + from + ARROW + regime).orElse(regime);
    }

    /** For operators: {@code eu}, or {@code eu (moving from us)}. */
    public String describe() {
        return movingFrom.map(from -> regime + " (moving from " + from + ")").orElse(regime);
    }
}
