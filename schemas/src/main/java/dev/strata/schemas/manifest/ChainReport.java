package dev.strata.schemas.manifest;

import dev.strata.schemas.Sha256;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of verifying a manifest chain. {@code head} is the SHA-256 of the newest manifest:
 * the chain proves nothing about that one's own content, so compare it with an independent record
 * (the first version of its key, or the sink's watermark) to cover the newest hour too.
 */
public record ChainReport(List<ChainBreak> breaks, Optional<Sha256> head, int manifestsVerified) {

    public ChainReport {
        breaks = List.copyOf(breaks);
    }

    public boolean intact() {
        return breaks.isEmpty();
    }
}
