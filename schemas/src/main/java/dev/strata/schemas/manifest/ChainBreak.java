package dev.strata.schemas.manifest;

import dev.strata.schemas.layout.ObjectKey;
import java.util.Objects;

/** One place where a tenant's manifest chain is not what was sealed. */
public record ChainBreak(ObjectKey key, Problem problem, String detail) {

    public enum Problem {
        /** The bytes are not a manifest. */
        UNREADABLE,
        /** The manifest's tenant, hour or seq do not match the key it is stored under. */
        MISPLACED,
        /** Manifests are not in strictly increasing (hour, seq) order. */
        OUT_OF_ORDER,
        /** The previous-manifest SHA-256 does not match: the previous manifest was edited, or one is missing. */
        BROKEN_LINK
    }

    public ChainBreak {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(problem, "problem");
        Objects.requireNonNull(detail, "detail");
    }

    @Override
    public String toString() {
        return problem + " at " + key + ": " + detail;
    }
}
