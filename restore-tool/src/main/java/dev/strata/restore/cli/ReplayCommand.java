package dev.strata.restore.cli;

import dev.strata.restore.BadInputException;
import dev.strata.restore.ExitCodes;
import dev.strata.restore.RestoreTool;
import dev.strata.restore.ToolConfig;
import dev.strata.restore.plan.RecoveryTarget;
import dev.strata.restore.plan.RestorePlan;
import dev.strata.restore.plan.RestoreTime;
import dev.strata.restore.replay.BarProgress;
import dev.strata.restore.replay.LineProgress;
import dev.strata.restore.replay.Progress;
import dev.strata.restore.replay.Replay;
import dev.strata.restore.replay.ReplayOptions;
import dev.strata.restore.replay.ReplaySummary;
import dev.strata.restore.replay.TableSelection;
import dev.strata.restore.store.ListedSegment;
import dev.strata.restore.store.RegimeStores;
import dev.strata.restore.target.ReplayTarget;
import dev.strata.restore.target.postgres.PostgresTarget.Selective;
import dev.strata.restore.target.postgres.RowPredicate;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.fold.FoldMemory;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code replay --tenant T --until TS --target postgres|lucene|kafka|ndjson --to ...}: one tenant, to any second. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Restore one tenant to a point in time (plan, verify, fold, load).")
public final class ReplayCommand implements Callable<Integer> {
    private static final int PLAN_LINES = 20;

    @ParentCommand
    RestoreTool tool;
    @Spec
    CommandSpec spec;
    @Option(names = "--tenant", required = true, description = "tenant id")
    String tenant;
    @Option(names = "--until", description = "restore point, ISO-8601 with zone (2026-11-21T10:15:30Z), or 'latest'"
            + " (PostgreSQL's recovery_target_time, inclusive)")
    String until;
    @Option(names = "--until-xid", description = "restore to the end of this transaction: every transaction whose commit precedes its"
            + " commit in the WAL, and it (PostgreSQL's recovery_target_xid, inclusive)")
    String untilXid;
    @Option(names = "--until-lsn", description = "restore to a WAL position, X/Y as pg_current_wal_lsn() prints it: every transaction"
            + " whose commit record starts before it, and the one starting at it (PostgreSQL's recovery_target_lsn, inclusive);"
            + " refused, naming the --until-xid to give, when the backup cannot tell")
    String untilLsn;

    @Option(names = "--target", defaultValue = "postgres", description = "postgres, lucene, kafka or ndjson (default: ${DEFAULT-VALUE})")
    String target;
    @Option(names = "--to", description = "postgres: postgres://host:port/db or a JDBC URL; lucene: a directory;"
            + " kafka: a topic (default strata.restore.<tenant>); ndjson: a file or - (default)")
    String to;
    @Option(names = "--table", description = "restore only this table, schema.table (repeatable; default: every table of the tenant)")
    List<String> tables = List.of();
    @Option(names = "--where", description = "postgres target: keep only the restored rows this SQL predicate holds for, in every"
            + " restored table (e.g. \"customer_id = 42\"); checked against each table's columns before anything is written")
    String where;
    @Option(names = "--schema", description = "postgres target: restore every table into this NEW schema of the --to database"
            + " (created; an existing non-empty one is refused), e.g. beside the live tables")
    String schema;
    @Option(names = "--dry-run", description = "print the plan (objects, bytes, time range) and stop")
    boolean dryRun;
    @Option(names = "--force", description = "write into a target that holds data: the tenant's rows there are replaced")
    boolean force;
    @Option(names = "--regime", description = "the tenant's regime (default: found by looking)")
    Optional<String> regime;
    @Option(names = "--progress", defaultValue = "auto", description = "auto, bar, plain or none (default: ${DEFAULT-VALUE})")
    String progress;
    @Option(names = "--spill-dir", description = "where the fold spills when it outgrows memory (default: the temp dir)")
    Path spillDir;
    @Option(names = "--memory-mb", description = "memory the fold may hold before it spills (default: 40%% of the heap)")
    Long memoryMb;
    @ArgGroup(exclusive = false, heading = "Postgres target:%n")
    PostgresOptions pg = new PostgresOptions();

    static final class PostgresOptions {
        @Option(names = "--user", description = "database user (default: PGUSER or postgres)")
        String user;
        @Option(names = "--password-file", description = "file holding the password (default: the PGPASSWORD variable)")
        Path passwordFile;
        @Option(names = "--tenant-column", defaultValue = "tenant_id",
                description = "the tenant column of shared tables, for --force (default: ${DEFAULT-VALUE})")
        String tenantColumn = "tenant_id";
    }

    @Override
    public Integer call() {
        TenantId id = StoreAccess.tenantId(tenant);
        TargetFactory.Kind kind = TargetFactory.kind(target);
        ToolConfig config = tool.config();
        PrintWriter out = spec.commandLine().getOut();
        RecoveryTarget point = RecoveryTarget.of(until, untilXid, untilLsn); // malformed input is reported before any store is contacted
        TableSelection selection = TableSelection.of(tables);
        Selective selective = selective(kind);
        try (ReplayTarget destination = dryRun ? null : TargetFactory.create(kind, to, id, pg, selective, () -> config, System.getenv(), out);
             RegimeStores stores = new StoreAccess(config).locate(tenant, regime)) {
            Replay replay = new Replay(stores, options(config, selection), tool.clock, progress());
            if (!dryRun) {
                replay.withBaseFetchedWhilePlanning();
            }
            Replay.BoundedPlan bounded = replay.plan(id, point);
            RestorePlan plan = bounded.plan();
            // with NDJSON on stdout the data owns stdout: the summary goes to stderr
            PrintWriter report = !dryRun && kind == TargetFactory.Kind.NDJSON && (to == null || to.equals("-"))
                    ? spec.commandLine().getErr() : out;
            bounded.bound().ifPresent(b -> report.println("restore point: " + b));
            if (dryRun) {
                printPlan(out, plan, stores.regime());
                replay.notes().forEach(n -> out.println("  note: " + n));
                DeadLetterNotice.print(out, config, id, plan.untilMicros());
                return ExitCodes.OK;
            }
            ReplaySummary summary = replay.run(plan, destination, bounded.transactions());
            summary.print(report);
            DeadLetterNotice.print(report, config, id, plan.untilMicros());
        }
        return ExitCodes.OK;
    }

    /** --where and --schema need SQL: refused, naming --target postgres, for the other targets (never ignored). */
    private Selective selective(TargetFactory.Kind kind) {
        if (kind != TargetFactory.Kind.POSTGRES && where != null) {
            throw new BadInputException("--where is a SQL predicate, which only a database evaluates: use --target postgres (then export"
                    + " what you need from there), or --table alone to restrict a " + target + " restore");
        }
        if (kind != TargetFactory.Kind.POSTGRES && schema != null) {
            throw new BadInputException("--schema names a schema of the --to database: use it with --target postgres");
        }
        return new Selective(Optional.ofNullable(schema), Optional.ofNullable(where).map(RowPredicate::parse));
    }

    private ReplayOptions options(ToolConfig config, TableSelection selection) {
        Path spill = spillDir != null ? spillDir : Path.of(System.getProperty("java.io.tmpdir"));
        FoldMemory memory = memoryMb == null ? FoldMemory.defaults(spill)
                : new FoldMemory(memoryMb * 1024 * 1024, spill, FoldMemory.DEFAULT_PARTITIONS);
        return new ReplayOptions(config.maxSegmentSpan(), config.readers(), memory, force, selection);
    }

    private Progress progress() {
        PrintWriter err = spec.commandLine().getErr();
        return switch (progress.toLowerCase(Locale.ROOT)) {
            case "none" -> Progress.NONE;
            case "bar" -> new BarProgress(err, tool.clock);
            case "plain" -> new LineProgress(err, tool.clock, Duration.ofSeconds(5));
            case "auto" -> System.console() != null ? new BarProgress(err, tool.clock) : new LineProgress(err, tool.clock, Duration.ofSeconds(5));
            default -> throw new BadInputException("unknown --progress '" + progress + "': use auto, bar, plain or none");
        };
    }

    private static void printPlan(PrintWriter out, RestorePlan plan, String regime) {
        out.printf(Locale.ROOT, "plan: tenant %s (regime %s) until %s%n", plan.tenant(), regime, RestoreTime.format(plan.untilMicros()));
        out.println("  base: " + plan.base().map(b -> RestoreTime.format(b.cutCommitMicros())).orElse("none (replay from the first segment)"));
        out.printf(Locale.ROOT, "  log: %d segments, %,d bytes, commits from %s to %s%n", plan.segments().size(), plan.bytes(),
                RestoreTime.format(plan.firstCommitMicros()), RestoreTime.format(plan.segments().stream()
                        .mapToLong(ListedSegment::maxCommitMicros).max().orElse(plan.untilMicros())));
        plan.earliestMicros().ifPresent(e -> out.println("  earliest restorable: " + RestoreTime.format(e)));
        out.println("  latest restorable:   " + plan.latestMicros().map(RestoreTime::format).orElse("later than the restore point")
                + (plan.durable().proven() ? " (the durable point: " + plan.durable().source() + ")" : " (not proven: no durable mark)"));
        plan.segments().stream().limit(PLAN_LINES).forEach(s -> out.printf(Locale.ROOT, "  %s  %,d bytes  in %s%n", s.key(), s.size(),
                s.regions().stream().map(r -> r.label()).sorted().collect(Collectors.joining("+"))));
        if (plan.segments().size() > PLAN_LINES) {
            out.printf(Locale.ROOT, "  ... and %d more segments%n", plan.segments().size() - PLAN_LINES);
        }
    }
}
