package dev.strata.restore.drill;

import java.util.Optional;

/**
 * A drill's report, and for an ERROR the exception that stopped it: the report keeps its message,
 * the caller decides from the exception whether a retry may help (a server that did not answer).
 */
public record DrillOutcome(DrillReport report, Optional<Exception> error) {
}
