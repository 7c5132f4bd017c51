package dev.strata.restore.cli;

import dev.strata.restore.ExitCodes;
import dev.strata.restore.RestoreTool;
import dev.strata.restore.ToolConfig;
import dev.strata.restore.expire.Expiry;
import dev.strata.restore.expire.ExpiryMetrics;
import dev.strata.restore.expire.ExpiryPlan;
import dev.strata.restore.expire.ExpiryPlanner;
import dev.strata.restore.expire.RegionExpiry;
import dev.strata.restore.expire.TenantExpiry;
import dev.strata.restore.store.Region;
import dev.strata.restore.store.RegimeStores;
import dev.strata.restore.store.TenantDirectory;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.ops.ServiceMeters;
import dev.strata.schemas.ops.StopSignal;
import dev.strata.schemas.regime.RegionSettings;
import dev.strata.schemas.store.ExpiringStore;
import dev.strata.schemas.store.StoreCredentials;
import dev.strata.schemas.store.s3.S3ExpiringStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code expire --regime R [--dry-run] [--every 1d]}: deletes, in both regions, what no kept restore
 * point of the regime's tenants needs, once its Object Lock has passed (README "Retention"). Exit 0
 * when every delete went through, 1 when the store refused or failed one (stderr names each), 2 for
 * bad input, 4 when a store did not answer. With {@code --every} it runs until stopped and serves the
 * expiry metrics; a failed run is counted and the schedule goes on.
 */
@Command(name = "expire", mixinStandardHelpOptions = true,
        description = "Delete what no kept restore point needs, in both regions of a regime, once its retention passed.")
public final class ExpireCommand implements Callable<Integer> {
    @ParentCommand
    RestoreTool tool;
    @Spec
    CommandSpec spec;
    @Option(names = "--regime", required = true, description = "the regime whose tenants expire")
    String regime;
    @Option(names = "--dry-run", description = "print what would go, per tenant, with bytes; delete nothing (reader keys only)")
    boolean dryRun;
    @Option(names = "--every", description = "scheduled mode: expire again after this long (ISO-8601 like P1D, or 1d, 6h)")
    String every;
    @Option(names = "--metrics-port", defaultValue = "9409", description = "scheduled mode: Prometheus /metrics port (default: ${DEFAULT-VALUE})")
    int metricsPort;

    @Override
    public Integer call() throws IOException {
        ToolConfig config = tool.config();
        if (every == null) {
            return runOnce(config, new ExpiryMetrics(new SimpleMeterRegistry(), regime));
        }
        Duration interval = DrillCommand.interval(every);
        StopSignal stop = new StopSignal();
        Runtime.getRuntime().addShutdownHook(new Thread(stop::stop, "expire-stop"));
        try (ServiceMeters meters = ServiceMeters.start(metricsPort)) {
            ExpiryMetrics metrics = new ExpiryMetrics(meters.registry(), regime);
            spec.commandLine().getOut().println("expiry of regime " + regime + " every " + interval + ", metrics "
                    + meters.port().map(port -> "on :" + port + "/metrics").orElse("off (--metrics-port 0)"));
            do {
                try {
                    runOnce(config, metrics);
                } catch (RuntimeException e) {
                    spec.commandLine().getErr().println("expiry run failed: " + e.getMessage());
                }
            } while (!stop.awaitStop(interval));
        }
        return ExitCodes.OK;
    }

    private int runOnce(ToolConfig config, ExpiryMetrics metrics) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ExpiryPlanner planner = new ExpiryPlanner(config.maxSegmentSpan());
        Map<Region, ExpiringStore> deleters = new EnumMap<>(Region.class);
        try (RegimeStores readers = new StoreAccess(config).open(regime)) {
            if (!dryRun) {
                deleters.put(Region.PRIMARY, open(config, ToolConfig.PRIMARY));
                deleters.put(Region.BACKUP, open(config, ToolConfig.BACKUP));
            }
            Expiry expiry = new Expiry(readers, deleters, config.retention(), planner, tool.clock);
            List<String> errors = new ArrayList<>();
            for (TenantId tenant : TenantDirectory.tenants(readers.primary().store())) {
                if (dryRun) {
                    print(out, expiry.plan(tenant), "would expire");
                    continue;
                }
                TenantExpiry done = expiry.run(tenant);
                metrics.record(done);
                print(out, done.plan(), "expired");
                for (RegionExpiry region : done.regions().values()) {
                    out.printf(Locale.ROOT, "  %s: deleted %d versions, %d bytes; %d bytes stored%s%n", region.region().label(),
                            region.deletedVersions(), region.deletedBytes(), region.storedBytes(), region.heldObjects() == 0 ? ""
                                    : "; " + region.heldObjects() + " objects held by their lock until " + region.heldUntil().orElseThrow());
                }
                done.errors().forEach(e -> err.println("expire: tenant " + tenant + ": " + e));
                errors.addAll(done.errors());
            }
            out.flush();
            if (!dryRun && errors.isEmpty()) {
                metrics.succeeded(tool.clock.instant());
            }
            return errors.isEmpty() ? ExitCodes.OK : ExitCodes.FAILED;
        } finally {
            deleters.values().forEach(ExpiringStore::close);
        }
    }

    private static void print(PrintWriter out, ExpiryPlan plan, String verb) {
        out.printf(Locale.ROOT, "tenant %s:%n", plan.tenant());
        RetentionLines.print(out, plan);
        out.printf(Locale.ROOT, "  %s %d objects, %d bytes; kept %d objects, %d bytes%n", verb, plan.expired().size(),
                plan.expiredBytes(), plan.keptObjects(), plan.keptBytes());
    }

    private ExpiringStore open(ToolConfig config, String role) {
        RegionSettings region = config.store(regime, role);
        StoreCredentials keys;
        try {
            keys = StoreCredentials.fromFile(config.expireCredentials(regime, role));
        } catch (IllegalArgumentException e) {
            throw new dev.strata.restore.BadInputException("config " + region.settingPrefix() + ToolConfig.EXPIRE_CREDENTIALS_FILE + ": "
                    + e.getMessage());
        }
        return S3ExpiringStore.open(region.location(), keys);
    }
}
