package dev.strata.restore.cli;

import dev.strata.restore.ToolConfig;
import dev.strata.restore.kafka.DeadLetterRedrive;
import dev.strata.restore.kafka.ParkedChanges;
import dev.strata.restore.kafka.PlacementDirectory;
import dev.strata.restore.kafka.RedriveResult;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.kafka.DeadLetterReason;
import dev.strata.schemas.kafka.DeadLetterWatch;
import dev.strata.schemas.kafka.Topics;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;

/**
 * What {@code tenants put} does after placing a tenant, and {@code tenants move} after the move: the
 * records of it that the router parked because of its placement (UNPLACED before it was placed:
 * capture's initial snapshot, when capture started first; MOVING while it was moved) are counted
 * and redriven by the one redrive engine ({@link DeadLetterRedrive}), so that placing or moving a
 * tenant while capture runs loses nothing and needs no second command. The router waits for a
 * redriven tenant's placement to reach its own copy, so the records are not parked again.
 */
final class PlacementRedrive {
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);
    /** A concurrent redrive of the same reason fences this one; it may have read the placements before this put. */
    private static final int ATTEMPTS = 3;
    /** Longer than the router's copy of the placements takes to catch up (milliseconds when it runs). */
    private static final Duration SETTLE = Duration.ofSeconds(2);
    private static final Duration WATCH_TIMEOUT = Duration.ofSeconds(10);
    private static final int ROUNDS = 3;

    private final ToolConfig config;
    private final PrintWriter out;
    private final DeadLetterReason reason;
    private final String rerun;

    /** @param rerun the command that completes this redrive if it stops, for the error's fix */
    PlacementRedrive(ToolConfig config, PrintWriter out, DeadLetterReason reason, String rerun) {
        this.config = config;
        this.out = out;
        this.reason = reason;
        this.rerun = rerun;
    }

    void redriveParkedOf(TenantId tenant) {
        long parked = parked(tenant);
        if (parked == 0) {
            out.println("no record of tenant " + tenant + " is parked as " + reason + " in " + Topics.DEAD_LETTERS);
            return;
        }
        out.printf(Locale.ROOT, "%,d record(s) of tenant %s were parked as %s: redriving them%n", parked, tenant, reason);
        for (int round = 1; parked > 0; round++) {
            // A record the router took before its copy of the placement caught up is parked after this redrive
            // began: watch for one while that copy catches up, and redrive what came.
            try (DeadLetterWatch watch = DeadLetterWatch.fromNow(config.kafka(), WATCH_TIMEOUT)) {
                redrive(tenant);
                parked = watch.awaitParked(tenant.value(), reason, SETTLE) ? parked(tenant) : 0;
            }
            if (parked > 0 && round == ROUNDS) {
                throw new IllegalStateException(parked + " record(s) of tenant " + tenant + " are still parked as " + reason + " after "
                        + ROUNDS + " redrives: check that the router runs and routes to this regime ('restore-tool tenants list'),"
                        + " then run '" + rerun + "' again");
            }
            if (parked > 0) {
                out.printf(Locale.ROOT, "%,d more record(s) of tenant %s were parked while the router took the placement in:"
                        + " redriving them%n", parked, tenant);
            }
        }
    }

    private long parked(TenantId tenant) {
        return ParkedChanges.read(config.kafka(), tenant, Long.MAX_VALUE, READ_TIMEOUT).reasons().getOrDefault(reason.name(), 0L);
    }

    private void redrive(TenantId tenant) {
        for (int attempt = 1; ; attempt++) {
            try {
                RedriveResult result = new DeadLetterRedrive(config.kafka(), config.regimes(), config.sizeLimits())
                        .redrive(reason, new PlacementDirectory(config.kafka()).all());
                out.printf(Locale.ROOT, "%s: %,d parked record(s) examined, %,d re-injected (every tenant placed by now),"
                        + " %,d of tenants still unplaced or moving parked again%n", reason, result.examined(), result.reinjected(),
                        result.parkedAgain());
                return;
            } catch (ProducerFencedException | InvalidProducerEpochException e) {
                if (attempt == ATTEMPTS) {
                    throw new IllegalStateException("the redrive of tenant " + tenant + "'s " + reason + " records was taken over by"
                            + " another redrive " + ATTEMPTS + " times: run '" + rerun + "' again when the other redrives are done"
                            + " (nothing is duplicated or lost meanwhile)", e);
                }
                out.println("another redrive of " + reason + " took over: redriving again, with the placements as they are now");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while redriving tenant " + tenant + "'s " + reason + " records: run '"
                        + rerun + "' again", e);
            }
        }
    }
}
