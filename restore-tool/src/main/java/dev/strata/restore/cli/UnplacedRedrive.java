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
 * What {@code tenants put} does after placing a tenant: the records of it that the router parked as
 * UNPLACED before the placement (capture's initial snapshot, when capture started first) are counted
 * and redriven by the one redrive engine ({@link DeadLetterRedrive}), so that placing a tenant after
 * capture started loses nothing and needs no second command. The router waits for a redriven
 * tenant's placement to reach its own copy, so the records are not parked again.
 */
final class UnplacedRedrive {
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);
    /** A concurrent redrive of UNPLACED fences this one; it may have read the placements before this put. */
    private static final int ATTEMPTS = 3;
    /** Longer than the router's copy of the placements takes to catch up (milliseconds when it runs). */
    private static final Duration SETTLE = Duration.ofSeconds(2);
    private static final Duration WATCH_TIMEOUT = Duration.ofSeconds(10);
    private static final int ROUNDS = 3;

    private final ToolConfig config;
    private final PrintWriter out;

    UnplacedRedrive(ToolConfig config, PrintWriter out) {
        this.config = config;
        this.out = out;
    }

    void redriveParkedOf(TenantId tenant) {
        long parked = parkedUnplaced(tenant);
        if (parked == 0) {
            out.println("no record of tenant " + tenant + " is parked as UNPLACED in " + Topics.DEAD_LETTERS);
            return;
        }
        out.printf(Locale.ROOT, "%,d record(s) of tenant %s were parked as UNPLACED before it was placed: redriving them%n", parked, tenant);
        for (int round = 1; parked > 0; round++) {
            // A record the router took before its copy of the placement caught up is parked after this redrive
            // began: watch for one while that copy catches up, and redrive what came.
            try (DeadLetterWatch watch = DeadLetterWatch.fromNow(config.kafka(), WATCH_TIMEOUT)) {
                redrive(tenant);
                parked = watch.awaitParked(tenant.value(), DeadLetterReason.UNPLACED, SETTLE) ? parkedUnplaced(tenant) : 0;
            }
            if (parked > 0 && round == ROUNDS) {
                throw new IllegalStateException(parked + " record(s) of tenant " + tenant + " are still parked as UNPLACED after "
                        + ROUNDS + " redrives: check that the router runs and routes to this regime ('restore-tool tenants list'),"
                        + " then run 'restore-tool tenants put " + tenant + " <regime>' again");
            }
            if (parked > 0) {
                out.printf(Locale.ROOT, "%,d more record(s) of tenant %s were parked while the router took the placement in:"
                        + " redriving them%n", parked, tenant);
            }
        }
    }

    private long parkedUnplaced(TenantId tenant) {
        return ParkedChanges.read(config.kafka(), tenant, Long.MAX_VALUE, READ_TIMEOUT).reasons()
                .getOrDefault(DeadLetterReason.UNPLACED.name(), 0L);
    }

    private void redrive(TenantId tenant) {
        for (int attempt = 1; ; attempt++) {
            try {
                RedriveResult result = new DeadLetterRedrive(config.kafka(), config.regimes(), config.sizeLimits())
                        .redrive(DeadLetterReason.UNPLACED, new PlacementDirectory(config.kafka()).all());
                out.printf(Locale.ROOT, "UNPLACED: %,d parked record(s) examined, %,d re-injected (every tenant placed by now),"
                        + " %,d of tenants still unplaced parked again%n", result.examined(), result.reinjected(), result.parkedAgain());
                return;
            } catch (ProducerFencedException | InvalidProducerEpochException e) {
                if (attempt == ATTEMPTS) {
                    throw new IllegalStateException("the redrive of tenant " + tenant + "'s UNPLACED records was taken over by another"
                            + " redrive " + ATTEMPTS + " times: run 'restore-tool tenants put " + tenant + " <regime>' again when"
                            + " the other redrives are done (nothing is duplicated or lost meanwhile)", e);
                }
                out.println("another redrive of UNPLACED took over: redriving again, with the placements as they are now");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while redriving tenant " + tenant + "'s UNPLACED records: run"
                        + " 'restore-tool tenants put " + tenant + " <regime>' again", e);
            }
        }
    }
}
