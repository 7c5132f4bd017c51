package dev.strata.restore.rollback;

import dev.strata.restore.plan.RestorePlan;
import dev.strata.restore.plan.RestoreTime;
import dev.strata.restore.replay.Replay;
import dev.strata.restore.store.DaemonPool;
import dev.strata.schemas.TenantId;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;

/**
 * The rollback's plan to its point, listed in the background: the listing (bases, the log, the
 * durable marks) takes a few hundred milliseconds, which the fast path would otherwise spend before
 * it even begins to wait for the durable point to cover the live database. For a point given as a
 * time, the fast path's plan to the durable point of now (from a base at or before the point) is
 * listed beside it.
 */
public final class PointPlan {
    /**
     * The rollback's work run aside: the two plans, the dead-letter check and the wait for the durable point, each blocking
     * on the store or Kafka, all at once at most.
     */
    static final ExecutorService ASIDE = DaemonPool.of("strata-rollback", 4);

    private final Replay replay;
    private final TenantId tenant;
    private final CompletableFuture<RestorePlan> listing;
    /** The requested point's time (empty for 'latest'), and the plan to the durable point of now from a base no later than it. */
    private final OptionalLong requestedMicros;
    private final Optional<CompletableFuture<RestorePlan>> toDurablePointNow;

    private PointPlan(Replay replay, TenantId tenant, CompletableFuture<RestorePlan> listing, OptionalLong requestedMicros,
                      Optional<CompletableFuture<RestorePlan>> toDurablePointNow) {
        this.replay = replay;
        this.tenant = tenant;
        this.listing = listing;
        this.requestedMicros = requestedMicros;
        this.toDurablePointNow = toDurablePointNow;
    }

    /** Starts listing the plan of {@code tenant} to {@code until} (a time or 'latest'). */
    public static PointPlan start(Replay replay, TenantId tenant, String until, boolean fastPath) {
        CompletableFuture<RestorePlan> listing = CompletableFuture.supplyAsync(() -> replay.plan(tenant, until), ASIDE);
        if (!fastPath || RestoreTime.LATEST.equalsIgnoreCase(until.trim())) {
            return new PointPlan(replay, tenant, listing, OptionalLong.empty(), Optional.empty());
        }
        long requested = RestoreTime.parse(until);
        return new PointPlan(replay, tenant, listing, OptionalLong.of(requested), Optional.of(CompletableFuture.supplyAsync(
                () -> replay.plan(tenant, RestoreTime.LATEST, requested), ASIDE)));
    }

    /**
     * The plan to the durable point of now, from a base at or before the point: the one listed beside the point's when
     * that was planned to the time asked, else listed now.
     */
    RestorePlan toDurablePointNow() {
        long point = get().untilMicros();
        if (toDurablePointNow.isPresent() && requestedMicros.getAsLong() == point) {
            return DaemonPool.join(toDurablePointNow.get());
        }
        return replay.plan(tenant, RestoreTime.LATEST, point);
    }

    TenantId tenant() {
        return tenant;
    }

    /** {@code work} on the plan once it is listed, in the background too. */
    <T> CompletableFuture<T> then(Function<RestorePlan, T> work) {
        return listing.thenApplyAsync(work, ASIDE);
    }

    /** The plan, once listed; a refusal (a point out of the log, an unreachable store) is thrown as the listing threw it. */
    RestorePlan get() {
        return DaemonPool.join(listing);
    }
}
