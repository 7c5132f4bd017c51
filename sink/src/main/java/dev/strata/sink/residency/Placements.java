package dev.strata.sink.residency;

import java.util.Optional;

/** The placement directory as the residency guard sees it: which regime a tenant is placed in. */
public interface Placements {
    Optional<String> regimeOf(String tenant);
}
