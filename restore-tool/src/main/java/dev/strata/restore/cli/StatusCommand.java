package dev.strata.restore.cli;

import dev.strata.restore.BadInputException;
import dev.strata.restore.ExitCodes;
import dev.strata.restore.RestoreTool;
import dev.strata.restore.ToolConfig;
import dev.strata.restore.status.RegionPoint;
import dev.strata.restore.status.RegionPoints;
import dev.strata.restore.status.UnreachableRegions;
import dev.strata.restore.status.StatusTable;
import dev.strata.restore.status.TenantStatus;
import dev.strata.restore.store.Region;
import dev.strata.schemas.kafka.CompactedTopic;
import dev.strata.schemas.kafka.Topics;
import dev.strata.schemas.ops.StopSignal;
import dev.strata.schemas.watermark.Watermark;
import dev.strata.schemas.store.s3.StoreTimeouts;
import dev.strata.schemas.watermark.WatermarkCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code status}: per tenant, the latest commit time durable in both regions (its watermark) and
 * how far behind now it is, how far each region of its regime holds the log (its newest segment),
 * and the last drill's result ({@link LastDrill}).
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Per tenant: latest time durable in both regions (" + Topics.WATERMARKS
        + "), backup lag, the newest segment's time in each region, and the last drill.")
public final class StatusCommand implements Callable<Integer> {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** Tenants whose regions are read at once: each read mostly waits on the stores. */
    private static final int PARALLEL_TENANTS = 4;

    @ParentCommand
    RestoreTool tool;
    @Spec
    CommandSpec spec;
    @Option(names = "--tenant", description = "only this tenant")
    Optional<String> tenant;

    @Override
    public Integer call() {
        ToolConfig config = tool.config();
        // bounded store calls, and a region that failed is not asked again: status answers during an outage, naming the region
        StoreAccess stores = new StoreAccess(config, StoreTimeouts.PROMPT);
        UnreachableRegions unreachable = new UnreachableRegions();
        List<TenantStatus> rows = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL_TENANTS);
        try (LastDrill drills = new LastDrill(stores, unreachable);
             RegionPoints regions = new RegionPoints(configuredStoreRegimes(config), stores::open, unreachable)) {
            CompletableFuture<Void> probed = regions.probe(pool); // a hung region's timeout runs beside the Kafka read
            Map<String, byte[]> watermarks = CompactedTopic.read(config.kafka(), Topics.WATERMARKS, TIMEOUT, new StopSignal());
            if (tenant.isPresent() && !watermarks.containsKey(tenant.get())) {
                throw new BadInputException("unknown tenant " + tenant.get() + ": it has no watermark in " + Topics.WATERMARKS
                        + " (no change of it is durable yet, or the id is wrong: 'restore-tool list tenants')");
            }
            Instant now = tool.clock.instant();
            long nowMicros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
            probed.join();
            List<CompletableFuture<TenantStatus>> asked = new ArrayList<>();
            watermarks.forEach((t, value) -> {
                if (tenant.isEmpty() || tenant.get().equals(t)) {
                    asked.add(CompletableFuture.supplyAsync(() -> row(t, value, nowMicros, regions, drills), pool));
                }
            });
            asked.forEach(row -> rows.add(row.join()));
        } finally {
            pool.shutdownNow();
        }
        StatusTable.print(spec.commandLine().getOut(), rows);
        return ExitCodes.OK;
    }

    /** None is fine here: status then shows what Kafka's watermarks say, without the regions' own view. */
    private static Set<String> configuredStoreRegimes(ToolConfig config) {
        try {
            return config.storeRegimes();
        } catch (BadInputException e) {
            return Set.of();
        }
    }

    private static TenantStatus row(String tenant, byte[] value, long nowMicros, RegionPoints regions, LastDrill drills) {
        Watermark w;
        try {
            w = WatermarkCodec.decode(value);
        } catch (IllegalArgumentException e) {
            return new TenantStatus(tenant, Optional.empty(), Optional.empty(), 0, Optional.empty(), Map.of(), LastDrill.UNKNOWN,
                    Optional.of(e.getMessage()));
        }
        long durable = w.durableCommitMicros();
        Map<Region, RegionPoint> points = regions.read(StoreAccess.tenantId(tenant), w.regime(), durable);
        return new TenantStatus(tenant, Optional.of(w.regime()), Optional.of(durable), Math.max(0, nowMicros - durable) / 1e6,
                Optional.of(Long.toString(w.lsn())), points, drills.describe(tenant, w.regime()), Optional.empty());
    }
}
