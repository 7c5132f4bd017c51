package dev.strata.restore.cli;

import dev.strata.restore.BadInputException;
import dev.strata.restore.ExitCodes;
import dev.strata.restore.RestoreTool;
import dev.strata.restore.ToolConfig;
import dev.strata.restore.plan.RestoreTime;
import dev.strata.restore.replay.Progress;
import dev.strata.restore.replay.Replay;
import dev.strata.restore.replay.ReplayOptions;
import dev.strata.restore.replay.TableSelection;
import dev.strata.restore.rollback.Applied;
import dev.strata.restore.rollback.ApplyLimits;
import dev.strata.restore.rollback.PointPlan;
import dev.strata.restore.rollback.Rollback;
import dev.strata.restore.store.RegimeStores;
import dev.strata.restore.target.postgres.PgConnectionSpec;
import dev.strata.restore.target.postgres.RowPredicate;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.fold.FoldMemory;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code rollback --tenant T --until TS --to JDBC --confirm T}: one tenant's rows of the live database put back to a point. */
@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = "Put one tenant's rows of the live shared database back to a restore point, in one transaction, touching no other tenant.")
public final class RollbackCommand implements Callable<Integer> {
    @ParentCommand
    RestoreTool tool;
    @Spec
    CommandSpec spec;
    @Option(names = "--tenant", required = true, description = "tenant id")
    String tenant;
    @Option(names = "--until", required = true, description = "restore point, ISO-8601 with zone, or 'latest' (see 'history' for the second before a change)")
    String until;
    @Option(names = "--to", required = true, description = "the live database: postgres://host:port/db or a JDBC URL")
    String to;
    @Option(names = "--table", description = "only this table, schema.table (repeatable; default: every table of the tenant)")
    List<String> tables = List.of();
    @Option(names = "--where", description = "only the rows this SQL predicate holds for, at the point or live, are compared and"
            + " changed (e.g. \"customer_id = 42\"); in every table rolled back; the tenant predicate still holds")
    String where;
    @Option(names = "--dry-run", description = "print what would change per table, with a few keys of each kind, and change nothing")
    boolean dryRun;
    @Option(names = "--confirm", description = "the tenant id again: required to change the live database")
    String confirm;
    @Option(names = "--lock-timeout", defaultValue = "5", description = "seconds to wait for the tenant's row locks (default: ${DEFAULT-VALUE})")
    int lockTimeoutSeconds;
    @Option(names = "--statement-timeout", defaultValue = "300", description = "seconds any one statement may run (default: ${DEFAULT-VALUE})")
    int statementTimeoutSeconds;
    @Option(names = "--full-diff", description = "compare every row of the tenant, without trying the fast path (only the keys"
            + " changed since the point, when the backup is proven to hold every change of the live database)")
    boolean fullDiff;
    @Option(names = "--wait-durable", defaultValue = "30", description = "seconds the fast path waits for the tenant's durable point to"
            + " cover the live database before it falls back to the full difference (default: ${DEFAULT-VALUE})")
    int waitDurableSeconds;
    @Option(names = "--regime", description = "the tenant's regime (default: found by looking)")
    Optional<String> regime;
    @ArgGroup(exclusive = false, heading = "Live database:%n")
    ReplayCommand.PostgresOptions pg = new ReplayCommand.PostgresOptions();

    @Override
    public Integer call() {
        TenantId id = StoreAccess.tenantId(tenant);
        if (!dryRun && !tenant.equals(confirm)) {
            throw new BadInputException("rollback changes tenant " + tenant + "'s rows in the live database: look first with --dry-run,"
                    + " then repeat with --confirm " + tenant);
        }
        if (!RestoreTime.LATEST.equalsIgnoreCase(until.trim())) {
            RestoreTime.parse(until);
        }
        TableSelection selection = TableSelection.of(tables);
        Optional<RowPredicate> rows = Optional.ofNullable(where).map(RowPredicate::parse);
        ToolConfig config = tool.config();
        PrintWriter out = spec.commandLine().getOut();
        PgConnectionSpec live = new PgConnectionSpec(TargetFactory.jdbcUrl(to), TargetFactory.user(pg, System.getenv()),
                TargetFactory.password(pg, System.getenv()));
        try (RegimeStores stores = new StoreAccess(config).locate(tenant, regime)) {
            Path spill = Path.of(System.getProperty("java.io.tmpdir"));
            Replay replay = new Replay(stores, new ReplayOptions(config.maxSegmentSpan(), config.readers(), FoldMemory.defaults(spill), false,
                    selection), tool.clock, Progress.NONE);
            Optional<Duration> fastPathWait = fullDiff ? Optional.empty() : Optional.of(Duration.ofSeconds(waitDurableSeconds));
            try (Rollback rollback = Rollback.prepare(replay, stores, PointPlan.start(replay, id, until, fastPathWait.isPresent()), live, pg.tenantColumn,
                    Set.copyOf(tables), rows, dryRun ? Optional.empty() : Optional.of(new ApplyLimits(lockTimeoutSeconds, statementTimeoutSeconds)),
                    fastPathWait, ParkedCheck.of(config, id), tool.clock)) {
                out.printf(Locale.ROOT, "rollback of tenant %s to %s in %s:%n", id, RestoreTime.format(rollback.pointMicros()),
                        live.describe());
                out.println("  " + rollback.path());
                rollback.describeDiff().forEach(out::println);
                out.println("  (" + rollback.took() + ")");
                replay.notes().forEach(n -> out.println("  note: " + n));
                if (dryRun) {
                    out.println("dry run: nothing was changed");
                } else if (rollback.nothingToDo()) {
                    out.println("nothing to do: tenant " + id + "'s rows already equal those at that point");
                } else {
                    Applied applied = rollback.apply(live);
                    out.printf(Locale.ROOT, "rolled back in one transaction (%.1f s):%n", applied.took().toMillis() / 1000.0);
                    applied.done().forEach((table, n) -> out.printf(Locale.ROOT, "  %s: %,d deleted, %,d updated, %,d inserted%n", table, n[0], n[1], n[2]));
                }
            }
        }
        return ExitCodes.OK;
    }
}
