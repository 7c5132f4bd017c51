package dev.strata.schemas.watermark;

import dev.strata.schemas.Sha256;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.layout.ObjectKey;
import java.util.Objects;
import java.util.Optional;

/**
 * A tenant's backup watermark, published to the compacted {@code strata.watermarks} (key: tenant):
 * every change of the tenant committed at or before {@code durableCommitMicros} is durable in both
 * regions of {@code regime}. Read by {@code restore-tool status}, drills and dashboards (RPO =
 * now - durableCommit while changes flow).
 *
 * @param lsn the LSN of the change at {@code durableCommitMicros}: the position in the source database
 * @param topic the routed topic, with {@code partition} and {@code committedOffset}: the position in Kafka
 *     (every record of the partition below that offset is durable)
 * @param manifestHead the tenant's newest sealed manifest and its SHA-256, if any: the head of the
 *     hash chain, recorded outside the bucket so that an edit of the newest manifest is detectable,
 *     and so that the next sink knows where the chain ends without listing versions
 */
public record Watermark(TenantId tenant, String regime, long durableCommitMicros, long lsn, String topic, int partition,
                        long committedOffset, long publishedAtMicros, Optional<ManifestHead> manifestHead) {

    /** The newest manifest of a tenant's chain. */
    public record ManifestHead(ObjectKey key, Sha256 sha256) {
        public ManifestHead {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(sha256, "sha256");
        }
    }

    public Watermark {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(regime, "regime");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(manifestHead, "manifestHead");
    }

    public Watermark withHead(ManifestHead head, long nowMicros) {
        return new Watermark(tenant, regime, durableCommitMicros, lsn, topic, partition, committedOffset, nowMicros, Optional.of(head));
    }
}
