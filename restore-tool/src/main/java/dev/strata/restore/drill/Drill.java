package dev.strata.restore.drill;

import dev.strata.restore.BadInputException;
import dev.strata.restore.UnavailableException;
import dev.strata.restore.VerificationFailedException;
import dev.strata.restore.durable.DurablePoint;
import dev.strata.restore.plan.RestorePlan;
import dev.strata.restore.plan.RestoreTime;
import dev.strata.restore.plan.SnapshotVisibility;
import dev.strata.restore.replay.Progress;
import dev.strata.restore.replay.Replay;
import dev.strata.restore.replay.ReplaySummary;
import dev.strata.restore.store.RegimeStores;
import dev.strata.restore.target.postgres.PostgresTarget;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.kafka.KafkaUnavailableException;
import dev.strata.schemas.ops.StopSignal;
import dev.strata.schemas.store.failure.StoreException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import org.apache.kafka.common.KafkaException;

/**
 * One restore drill of one tenant (DESIGN.md section 7, Drills): find the newest checkpoint in the
 * backup, wait until the tenant's durable point covers it, restore into a scratch database exactly as
 * of its snapshot (the transactions visible in it, up to its time), compare every table's checksum,
 * drop the scratch database. Never throws for a drill's outcome: PASS, FAIL or ERROR is the report.
 */
public final class Drill {
    private static final Duration WATERMARK_POLL = Duration.ofSeconds(1);
    /**
     * A base holds every transaction committed before its cut, visible in the snapshot or not; one
     * that committed between the snapshot and the checkpoint's clock reading is not. So a drill
     * starts only from a base cut clearly before the checkpoint and filters the log after it. A
     * margin, not a proof: a commit held back longer (e.g. waiting for a synchronous standby after
     * taking its timestamp) can still fall inside; the drill then fails on a healthy backup, loudly.
     */
    private static final Duration BASE_MARGIN = Duration.ofMinutes(1);

    private final DrillSettings settings;
    private final DurableTimes durable;
    private final Clock clock;
    private final StopSignal stop;

    /** @param stop ends a wait for the watermark at once when the drill service is stopping */
    public Drill(DrillSettings settings, DurableTimes durable, Clock clock, StopSignal stop) {
        this.settings = settings;
        this.durable = durable;
        this.clock = clock;
        this.stop = stop;
    }

    public DrillOutcome run(TenantId tenant, RegimeStores stores) {
        Instant started = clock.instant();
        Checkpoint checkpoint = null;
        try {
            Replay replay = new Replay(stores, settings.replay(), clock, Progress.NONE);
            // the log after the newest base first (a drill's cost must not grow with history), the whole log if none is there
            CheckpointFinder finder = new CheckpointFinder(stores);
            checkpoint = finder.newest(replay.planNewestListed(tenant, Long.MAX_VALUE))
                    .or(() -> finder.newest(replay.planNewestListed(tenant, Long.MIN_VALUE)))
                    .orElseThrow(() -> new BadInputException("tenant " + tenant + " has no checkpoint in its backup in regime "
                            + stores.regime() + ": capture writes one every strata.capture.checkpoint.interval.ms,"
                            + " or run CheckpointMain for one now"));
            awaitDurable(tenant, stores, checkpoint);
            RestorePlan plan = replay.plan(tenant, RestoreTime.format(checkpoint.takenAtMicros()),
                    checkpoint.takenAtMicros() - BASE_MARGIN.toNanos() / 1000);
            try (ScratchDatabase scratch = ScratchDatabase.create(settings.scratchServer(), tenant.value(), RestoreTime.micros(started))) {
                ReplaySummary summary = replay.run(plan, new PostgresTarget(scratch.spec(), settings.tenantColumn(),
                        PostgresTarget.Selective.NONE, settings.loadSessions()),
                        SnapshotVisibility.parse(checkpoint.snapshot()));
                // a table whose rows the erasure ledger changed cannot equal a source that still held them at the checkpoint
                Set<String> erased = summary.ledger().tables();
                List<TableComparison> tables;
                try (Connection c = scratch.connect()) {
                    tables = RestoredChecksums.compare(checkpoint, summary.rowsPerTable().keySet(), c).stream()
                            .filter(t -> !erased.contains(t.table())).toList();
                }
                List<TableComparison> differing = tables.stream().filter(t -> !t.equal()).toList();
                String message = (differing.isEmpty()
                        ? "all " + tables.size() + " tables equal to the checkpoint"
                        : differing.stream().map(TableComparison::difference).collect(Collectors.joining("; ")))
                        + (erased.isEmpty() ? "" : "; not compared, the erasure ledger left out or nulled rows the checkpoint counted: "
                        + String.join(", ", erased));
                DrillResult result = differing.isEmpty() ? DrillResult.PASS : DrillResult.FAIL;
                return new DrillOutcome(report(tenant, stores.regime(), started, result, summary.took(), checkpoint, tables, message),
                        Optional.empty());
            }
        } catch (VerificationFailedException e) {
            // the backup is not what was written: the drill has found exactly what it looks for
            return new DrillOutcome(report(tenant, stores.regime(), started, DrillResult.FAIL, Duration.ZERO, checkpoint, List.of(),
                    e.getMessage()), Optional.empty());
        } catch (BadInputException | UnavailableException | StoreException | SQLException | KafkaUnavailableException | KafkaException
                 | IllegalArgumentException | IllegalStateException | java.io.UncheckedIOException e) {
            // a store, Kafka or the scratch database not answering is one of these: an ERROR result, and the schedule goes on
            return new DrillOutcome(report(tenant, stores.regime(), started, DrillResult.ERROR, Duration.ZERO, checkpoint, List.of(),
                    e.getMessage()), Optional.of(e));
        }
    }

    /** The outcome of a drill that could not even find the tenant's stores: an ERROR like any drill that could not run. */
    public DrillOutcome notRun(TenantId tenant, String regime, RuntimeException error) {
        return new DrillOutcome(report(tenant, regime, clock.instant(), DrillResult.ERROR, Duration.ZERO, null, List.of(),
                error.getMessage()), Optional.of(error));
    }

    /**
     * Every change before the checkpoint is durable in both regions once the tenant's durable point
     * reaches it (sink ordering rule): the durable marks in the store, as a restore reads them, or
     * for a backup without marks the watermark ({@link DurableTimes}).
     */
    private void awaitDurable(TenantId tenant, RegimeStores stores, Checkpoint checkpoint) {
        Instant deadline = clock.instant().plus(settings.watermarkTimeout());
        while (true) {
            Optional<Long> marked = DurablePoint.read(stores, tenant, RestoreTime.micros(clock.instant())).point();
            OptionalLong durableMicros = marked.isPresent() ? OptionalLong.of(marked.get()) : durable.durableMicros(tenant);
            if (durableMicros.isPresent() && durableMicros.getAsLong() >= checkpoint.takenAtMicros()) {
                return;
            }
            if (clock.instant().isAfter(deadline)) {
                throw new IllegalStateException("tenant " + tenant + "'s " + (marked.isPresent() ? "durable point" : "watermark") + " ("
                        + (durableMicros.isPresent() ? RestoreTime.format(durableMicros.getAsLong()) : "none") + ") did not reach its checkpoint of "
                        + RestoreTime.format(checkpoint.takenAtMicros()) + " within " + settings.watermarkTimeout()
                        + ": check the sink of its regime (restore-tool status), or raise --watermark-timeout");
            }
            if (stop.awaitStop(WATERMARK_POLL)) {
                throw new IllegalStateException("stopped while waiting for tenant " + tenant + "'s durable point");
            }
        }
    }

    private DrillReport report(TenantId tenant, String regime, Instant started, DrillResult result, Duration rto,
            Checkpoint checkpoint, List<TableComparison> tables, String message) {
        Instant finished = clock.instant();
        DrillReport.CheckpointInfo info = checkpoint == null ? null : new DrillReport.CheckpointInfo(
                RestoreTime.format(checkpoint.takenAtMicros()), checkpoint.snapshot(),
                Math.max(0, RestoreTime.micros(started) - checkpoint.takenAtMicros()) / 1e6);
        return new DrillReport(tenant.value(), regime, started.toString(), finished.toString(), result, rto.toMillis() / 1000.0,
                info, tables.stream().map(DrillReport.TableComparisonJson::of).toList(), message);
    }
}
