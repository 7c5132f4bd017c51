package dev.strata.restore.cli;

import dev.strata.restore.BadInputException;
import dev.strata.restore.ExitCodes;
import dev.strata.restore.RestoreTool;
import dev.strata.restore.ToolConfig;
import dev.strata.restore.drill.Drill;
import dev.strata.restore.drill.DrillMetrics;
import dev.strata.restore.drill.DrillReport;
import dev.strata.restore.drill.DrillReports;
import dev.strata.restore.drill.DrillResult;
import dev.strata.restore.drill.DrillSettings;
import dev.strata.schemas.fold.FoldMemory;
import dev.strata.restore.replay.ReplayOptions;
import dev.strata.restore.store.RegimeStores;
import dev.strata.restore.store.TenantDirectory;
import dev.strata.restore.target.PostgresTarget;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.kafka.CompactedTopic;
import dev.strata.schemas.kafka.Topics;
import dev.strata.schemas.ops.StopSignal;
import dev.strata.schemas.watermark.WatermarkCodec;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.ops.PrometheusEndpoint;
import dev.strata.schemas.ops.StopSignal;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * 0 when every drill passed, 3 when one failed (the table and the difference on stderr), 1 when one
 * could not run. With {@code --every} it runs until stopped and serves the drill metrics.
 */
@Command(name = "drill", mixinStandardHelpOptions = true,
        description = "Restore tenants to their newest checkpoint in a scratch database and compare checksums.")
public final class DrillCommand implements Callable<Integer> {
    private static final Duration WATERMARK_READ_TIMEOUT = Duration.ofSeconds(30);

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
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        DrillMetrics metrics = new DrillMetrics(registry);
        StopSignal stop = new StopSignal();
        Drill drill = new Drill(settings(config), tenant -> durableMicros(config, tenant), tool.clock, stop);
        if (every == null) {
            return runOnce(config, drill, metrics);
        }
        Duration interval = interval(every);
        Runtime.getRuntime().addShutdownHook(new Thread(stop::stop, "drill-stop"));
        try (PrometheusEndpoint endpoint = PrometheusEndpoint.start(metricsPort, registry)) {
            spec.commandLine().getOut().println("drills every " + interval + ", metrics on :" + endpoint.port() + "/metrics");
            do {
                runOnce(config, drill, metrics);
            } while (!stop.awaitStop(interval));
        }
        return ExitCodes.OK;
    }

    private int runOnce(ToolConfig config, Drill drill, DrillMetrics metrics) {
        PrintWriter out = spec.commandLine().getOut();
        StoreAccess access = new StoreAccess(config);
        List<DrillReport> reports = new ArrayList<>();
        List<String> unstored = new ArrayList<>();
        for (TenantId tenant : tenants(config, access)) {
            try (RegimeStores stores = access.locate(tenant.value(), regime)) {
                DrillReport report = drill.run(tenant, stores);
                metrics.record(report); // first: an alert must see the result even if the report cannot be stored
                reports.add(report);
                ObjectKey key;
                try {
                    key = store(config, stores.regime(), tenant, report);
                } catch (RuntimeException e) {
                    // one tenant's report not stored must not stop the other tenants' drills (or the schedule)
                    unstored.add(tenant + ": cannot store its drill report: " + e.getMessage());
                    continue;
                }
                out.printf(Locale.ROOT, "drill %s (regime %s): %s, restore %.1f s, checkpoint %s (%.0f s old); report %s%n", tenant,
                        stores.regime(), report.result(), report.rtoSeconds(),
                        report.checkpoint() == null ? "none" : report.checkpoint().commitTime(),
                        report.checkpoint() == null ? 0 : report.checkpoint().ageSeconds(), key);
            }
        }
        out.flush();
        List<String> failed = reports.stream().filter(r -> r.result() == DrillResult.FAIL).map(r -> r.tenant() + ": " + r.message()).toList();
        List<String> errors = reports.stream().filter(r -> r.result() == DrillResult.ERROR).map(r -> r.tenant() + ": " + r.message()).toList();
        errors.forEach(e -> spec.commandLine().getErr().println("drill could not run: " + e));
        unstored.forEach(e -> spec.commandLine().getErr().println("drill report not stored: " + e));
        if (!failed.isEmpty()) {
            failed.forEach(f -> spec.commandLine().getErr().println("drill failed: " + f));
            spec.commandLine().getErr().flush();
            return ExitCodes.VERIFICATION_FAILED;
        }
        spec.commandLine().getErr().flush();
        return errors.isEmpty() && unstored.isEmpty() ? ExitCodes.OK : ExitCodes.FAILED;
    }

    private ObjectKey store(ToolConfig config, String regimeName, TenantId tenant, DrillReport report) {
        try (DrillReports reports = DrillReports.open(config.store(regimeName, ToolConfig.PRIMARY),
                config.drillCredentials(regimeName, ToolConfig.PRIMARY), config.store(regimeName, ToolConfig.BACKUP),
                config.drillCredentials(regimeName, ToolConfig.BACKUP))) {
            java.time.Instant started = java.time.Instant.parse(report.startedAt());
            return reports.write(tenant, started.getEpochSecond() * 1_000_000L + started.getNano() / 1000, report);
        }
    }

    private List<TenantId> tenants(ToolConfig config, StoreAccess access) {
        if (which.tenant != null) {
            return List.of(StoreAccess.tenantId(which.tenant));
        }
        List<TenantId> all = new ArrayList<>();
        for (String r : regime.map(List::of).orElseGet(() -> List.copyOf(config.storeRegimes()))) {
            try (RegimeStores stores = access.open(r)) {
                all.addAll(TenantDirectory.tenants(stores.primary().store()));
            }
        }
        return all;
    }

    private DrillSettings settings(ToolConfig config) {
        Path spill = Path.of(System.getProperty("java.io.tmpdir"));
        ReplayOptions replay = new ReplayOptions(config.maxSegmentSpan(), config.readers(), FoldMemory.defaults(spill), false);
        PostgresTarget.PgConnectionSpec server = new PostgresTarget.PgConnectionSpec(TargetFactory.jdbcUrl(config.drillPostgresUrl()),
                config.drillPostgresUser(), password(config.drillPostgresPasswordFile()));
        return new DrillSettings(server, config.drillTenantColumn(), replay, watermarkTimeout);
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

    private static OptionalLong durableMicros(ToolConfig config, TenantId tenant) {
        byte[] value = CompactedTopic.read(config.kafka(), Topics.WATERMARKS, WATERMARK_READ_TIMEOUT, new StopSignal()).get(tenant.value());
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
