package dev.strata.restore.rollback;

import dev.strata.restore.plan.RestorePlan;
import dev.strata.restore.replay.Replay;
import dev.strata.schemas.TenantId;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * The rollback's plan to its point, listed in the background: the listing (bases, the log, the
 * durable marks) takes a few hundred milliseconds, which the fast path would otherwise spend before
 * it even begins to wait for the durable point to cover the live database.
 */
public final class PointPlan {
    private final TenantId tenant;
    private final CompletableFuture<RestorePlan> listing;

    private PointPlan(TenantId tenant, CompletableFuture<RestorePlan> listing) {
        this.tenant = tenant;
        this.listing = listing;
    }

    /** Starts listing the plan of {@code tenant} to {@code until} (a time or 'latest'). */
    public static PointPlan start(Replay replay, TenantId tenant, String until) {
        return new PointPlan(tenant, CompletableFuture.supplyAsync(() -> replay.plan(tenant, until)));
    }

    TenantId tenant() {
        return tenant;
    }

    /** Throws, as {@link #get()} would, if the listing already failed: a bad point is told at once, not after a wait. */
    void requireNotFailed() {
        if (listing.isCompletedExceptionally()) {
            get();
        }
    }

    /** {@code work} on the plan once it is listed, in the background too. */
    <T> CompletableFuture<T> then(Function<RestorePlan, T> work) {
        return listing.thenApplyAsync(work);
    }

    /** The plan, once listed; a refusal (a point out of the log, an unreachable store) is thrown as the listing threw it. */
    RestorePlan get() {
        try {
            return listing.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }
}
