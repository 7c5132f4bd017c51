package dev.strata.restore.expire;

import dev.strata.schemas.TenantId;
import dev.strata.schemas.retention.RetentionPolicy;
import dev.strata.schemas.store.ListedObject;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import dev.strata.schemas.layout.LayoutKey;

/**
 * What one tenant's kept restore points need, and what they do not.
 *
 * @param windowStart every second from here on restores
 * @param anchor the newest base at or before the window's start, where the kept log begins; empty: no base is that old
 *     yet, so nothing expires
 * @param kept the bases kept, newest first
 * @param expired what no kept point needs, in key order
 * @param needs whether a kept point needs the object of a key, listed or not: {@code verify} accepts the absence of
 *     one that no kept point needs (expired), and still fails on any other
 */
public record ExpiryPlan(TenantId tenant, RetentionPolicy policy, Instant windowStart, Optional<KeptBase> anchor,
                         List<KeptBase> kept, List<ListedObject> expired, long keptObjects, long keptBytes,
                         Predicate<LayoutKey> needs) {

    public ExpiryPlan {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(windowStart, "windowStart");
        Objects.requireNonNull(anchor, "anchor");
        kept = List.copyOf(kept);
        expired = List.copyOf(expired);
        Objects.requireNonNull(needs, "needs");
    }

    public long expiredBytes() {
        return expired.stream().mapToLong(ListedObject::size).sum();
    }
}
