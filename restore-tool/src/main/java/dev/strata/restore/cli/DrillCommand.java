package dev.strata.restore.cli;

import dev.strata.restore.BadInputException;
import dev.strata.restore.ExitCodes;
import dev.strata.restore.RestoreTool;
import dev.strata.restore.ToolConfig;
import dev.strata.restore.UnavailableException;
import dev.strata.restore.drill.Drill;
import dev.strata.restore.drill.DrillMetrics;
import dev.strata.restore.drill.DrillOutcome;
import dev.strata.restore.drill.DrillReport;
import dev.strata.restore.drill.DrillReports;
import dev.strata.restore.drill.DrillResult;
import dev.strata.restore.drill.DrillSettings;
import dev.strata.restore.replay.ReplayOptions;
import dev.strata.restore.store.RegimeStores;
import dev.strata.restore.store.TenantDirectory;
import dev.strata.restore.target.postgres.PgConnectionSpec;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.erasure.Tombstones;
import dev.strata.schemas.fold.FoldMemory;
import dev.strata.schemas.kafka.CompactedTopic;
import dev.strata.schemas.kafka.Topics;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.ops.ServiceMeters;
import dev.strata.schemas.ops.StopSignal;
import dev.strata.schemas.store.failure.StoreException;
import dev.strata.schemas.watermark.WatermarkCodec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code drill --tenant T | --all [--every 6h]}: restore drills (DESIGN.md section 7). One run exits
 * 0 when every drill passed, 3 when one failed (the table and the difference on stderr), and when one
 * could not run 4 if only unavailable servers stopped it, else 2 or 1 ({@link #exitCode}). With
 * {@code --every} it runs until stopped and serves the drill metrics; a tenant's drill that could
 * not run, whatever the reason (its stores, Kafka or the scratch database unavailable included), is
 * an ERROR result of that tenant, and the schedule goes on.
 */
@Command(name = "drill", mixinStandardHelpOptions = true,
        description = "Restore tenants to their newest checkpoint in a scratch database and compare checksums.")
public final class DrillCommand implements Callable<Integer> {
    /** One read of the watermarks; never longer than the whole wait the user gave (--watermark-timeout). */
    private static final Duration WATERMARK_READ_TIMEOUT = Duration.ofSeconds(30);
    /** The regime of a drill report when the tenant's regime could not be found. */
    private static final String UNKNOWN_REGIME = "unknown";

    @ParentCommand
    RestoreTool tool;
    @Spec
    CommandSpec spec;
    @ArgGroup(exclusive = true, multiplicity = "1")
    Which which;
    @Option(names = "--regime", description = "the tenant's regime (default: found by looking)")
    Optional<String> regime;
    @Option(names = "--every", description = "scheduled mode: drill again after this long (ISO-8601 like PT6H, or 6h, 30m)")
    String every;
    @Option(names = "--metrics-port", defaultValue = "9408", description = "scheduled mode: Prometheus /metrics port (default: ${DEFAULT-VALUE})")
    int metricsPort;
    @Option(names = "--watermark-timeout", defaultValue = "PT5M",
            description = "how long to wait for the tenant's watermark to cover the checkpoint (default: ${DEFAULT-VALUE})")
    Duration watermarkTimeout;

    static final class Which {
        @Option(names = "--tenant", description = "tenant id")
        String tenant;
        @Option(names = "--all", description = "every tenant with a backup in the configured regimes")
        boolean all;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        ToolConfig config = tool.config();
        StopSignal stop = new StopSignal();
        Drill drill = new Drill(settings(config), tenant -> durableMicros(config, tenant, readTimeout()), tool.clock, stop);
        if (every == null) {
            return runOnce(config, drill, new DrillMetrics(new SimpleMeterRegistry()));
        }
        Duration interval = interval(every);
        Runtime.getRuntime().addShutdownHook(new Thread(stop::stop, "drill-stop"));
        try (ServiceMeters meters = ServiceMeters.start(metricsPort)) {
            DrillMetrics metrics = new DrillMetrics(meters.registry());
            spec.commandLine().getOut().println("drills every " + interval + ", metrics "
                    + meters.port().map(port -> "on :" + port + "/metrics").orElse("off (--metrics-port 0)"));
            do {
                runOnce(config, drill, metrics);
            } while (!stop.awaitStop(interval));
        }
        return ExitCodes.OK;
    }

    private int runOnce(ToolConfig config, Drill drill, DrillMetrics metrics) {
        PrintWriter err = spec.commandLine().getErr();
        StoreAccess access = new StoreAccess(config);
        List<Integer> errorCodes = new ArrayList<>();
        boolean failed = false;
        for (TenantId tenant : tenants(config, access, errorCodes, metrics)) {
            DrillOutcome outcome = drill(config, tenant, drill, access, metrics, errorCodes);
            outcome.error().ifPresent(e -> {
                err.println("drill could not run: " + tenant + ": " + e.getMessage());
                errorCodes.add(ExitCodes.of(e));
            });
            if (outcome.report().result() == DrillResult.FAIL) {
                err.println("drill failed: " + tenant + ": " + outcome.report().message());
                failed = true;
            }
        }
        spec.commandLine().getOut().flush();
        err.flush();
        return exitCode(failed, errorCodes);
    }

    /**
     * 3 when a drill failed; else, when some could not run: 1 if one could not for another reason
     * than bad input or unavailability, 2 if one could not for bad input, 4 when only unavailable
     * servers stopped them (a retry later may pass); 0 when every drill passed.
     */
    static int exitCode(boolean failed, List<Integer> errorCodes) {
        if (failed) {
            return ExitCodes.VERIFICATION_FAILED;
        }
        for (int code : List.of(ExitCodes.FAILED, ExitCodes.BAD_INPUT, ExitCodes.UNAVAILABLE)) {
            if (errorCodes.contains(code)) {
                return code;
            }
        }
        return errorCodes.isEmpty() ? ExitCodes.OK : ExitCodes.FAILED;
    }

    /**
     * One tenant's drill, recorded in the metrics, its report stored in both regions. A tenant whose
     * stores cannot be found or read is an ERROR like any drill that could not run: the schedule goes on.
     */
    private DrillOutcome drill(ToolConfig config, TenantId tenant, Drill drill, StoreAccess access, DrillMetrics metrics,
            List<Integer> errorCodes) {
        RegimeStores stores;
        try {
            stores = access.locate(tenant.value(), regime);
        } catch (BadInputException | UnavailableException | StoreException e) {
            DrillOutcome outcome = drill.notRun(tenant, regime.orElse(UNKNOWN_REGIME), e);
            metrics.record(outcome.report());
            return outcome;
        }
        try (stores) {
            DrillOutcome outcome = drill.run(tenant, stores);
            DrillReport report = outcome.report();
            metrics.record(report); // first: an alert must see the result even if the report cannot be stored
            ObjectKey key;
            try {
                key = store(config, stores.regime(), tenant, report);
            } catch (RuntimeException e) {
                // one tenant's report not stored must not stop the other tenants' drills (or the schedule)
                spec.commandLine().getErr().println("drill report not stored: " + tenant + ": cannot store its drill report: "
                        + e.getMessage());
                errorCodes.add(ExitCodes.of(e));
                return outcome;
            }
            spec.commandLine().getOut().printf(Locale.ROOT, "drill %s (regime %s): %s, restore %.1f s, checkpoint %s (%.0f s old);"
                    + " report %s%n", tenant, stores.regime(), report.result(), report.rtoSeconds(),
                    report.checkpoint() == null ? "none" : report.checkpoint().commitTime(),
                    report.checkpoint() == null ? 0 : report.checkpoint().ageSeconds(), key);
            return outcome;
        }
    }

    private ObjectKey store(ToolConfig config, String regimeName, TenantId tenant, DrillReport report) {
        try (DrillReports reports = DrillReports.open(config.store(regimeName, ToolConfig.PRIMARY),
                config.drillCredentials(regimeName, ToolConfig.PRIMARY), config.store(regimeName, ToolConfig.BACKUP),
                config.drillCredentials(regimeName, ToolConfig.BACKUP))) {
            java.time.Instant started = java.time.Instant.parse(report.startedAt());
            return reports.write(tenant, started.getEpochSecond() * 1_000_000L + started.getNano() / 1000, report);
        }
    }

    /** With --all, a regime whose tenants cannot be listed is an error of the run, and the other regimes are drilled. */
    private List<TenantId> tenants(ToolConfig config, StoreAccess access, List<Integer> errorCodes, DrillMetrics metrics) {
        if (which.tenant != null) {
            return List.of(StoreAccess.tenantId(which.tenant));
        }
        List<TenantId> all = new ArrayList<>();
        for (String r : regime.map(List::of).orElseGet(() -> List.copyOf(config.storeRegimes()))) {
            try (RegimeStores stores = access.open(r)) {
                Set<TenantId> erased = Tombstones.erasedIn(stores.primary().store());
                for (TenantId tenant : TenantDirectory.tenants(stores.primary().store())) {
                    if (erased.contains(tenant)) {
                        // erased on purpose: nothing to drill, and not a failure of the schedule
                        spec.commandLine().getOut().println("drill " + tenant + " (regime " + r + "): skipped, the tenant was erased");
                        metrics.forget(tenant.value());
                    } else {
                        all.add(tenant);
                    }
                }
            } catch (BadInputException | StoreException e) {
                spec.commandLine().getErr().println("drills of regime " + r + " could not run: cannot list its tenants: " + e.getMessage());
                errorCodes.add(ExitCodes.of(e));
            }
        }
        return all;
    }

    private DrillSettings settings(ToolConfig config) {
        Path spill = Path.of(System.getProperty("java.io.tmpdir"));
        ReplayOptions replay = new ReplayOptions(config.maxSegmentSpan(), config.readers(), FoldMemory.defaults(spill), false);
        PgConnectionSpec server = new PgConnectionSpec(TargetFactory.jdbcUrl(config.drillPostgresUrl()),
                config.drillPostgresUser(), password(config.drillPostgresPasswordFile()));
        return new DrillSettings(server, config.drillTenantColumn(), replay, watermarkTimeout, config.loadSessions());
    }

    private static String password(Path file) {
        if (file == null) {
            return null;
        }
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new BadInputException("cannot read " + ToolConfig.DRILL_POSTGRES_PASSWORD_FILE + " " + file + " ("
                    + e.getClass().getSimpleName() + "): check that it exists and is readable");
        }
    }

    private Duration readTimeout() {
        return watermarkTimeout.compareTo(WATERMARK_READ_TIMEOUT) < 0 ? watermarkTimeout : WATERMARK_READ_TIMEOUT;
    }

    private static OptionalLong durableMicros(ToolConfig config, TenantId tenant, Duration readTimeout) {
        byte[] value = CompactedTopic.read(config.kafka(), Topics.WATERMARKS, readTimeout, new StopSignal()).get(tenant.value());
        // an undecodable watermark is an error the drill reports, not "nothing durable yet"
        return value == null ? OptionalLong.empty() : OptionalLong.of(WatermarkCodec.decode(value).durableCommitMicros());
    }

    static Duration interval(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.startsWith("p")) {
                return positive(Duration.parse(t.toUpperCase(Locale.ROOT)), text);
            }
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            return positive(switch (t.charAt(t.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                case 'd' -> Duration.ofDays(n);
                default -> throw new NumberFormatException();
            }, text);
        } catch (RuntimeException e) {
            throw new BadInputException("--every '" + text + "' is not a duration: use e.g. 6h, 30m, 1d or PT6H");
        }
    }

    private static Duration positive(Duration d, String text) {
        if (d.isNegative() || d.isZero()) {
            throw new BadInputException("--every '" + text + "' must be longer than zero");
        }
        return d;
    }
}
