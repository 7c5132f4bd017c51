package dev.strata.restore.expire;

import dev.strata.schemas.layout.BaseCut;
import java.util.Objects;
import java.util.Set;

/** A base that expiry keeps, and every reason it does. */
public record KeptBase(BaseCut cut, Set<Tier> tiers) {

    public KeptBase {
        Objects.requireNonNull(cut, "cut");
        tiers = Set.copyOf(tiers);
    }
}
