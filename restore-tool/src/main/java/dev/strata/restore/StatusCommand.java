package dev.strata.restore;

import dev.strata.restore.plan.RestoreTime;
import dev.strata.schemas.kafka.Topics;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code status}: per tenant, the latest commit time durable in both regions, how far behind now it
 * is, and the last drill's result ({@link LastDrill}).
 */
@Command(name = "status", description = "Per tenant: latest durable time and backup lag, from " + Topics.WATERMARKS + ".")
final class StatusCommand implements Callable<Integer> {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @ParentCommand
    RestoreTool tool;
    @Spec
    CommandSpec spec;
    @Option(names = "--tenant", description = "only this tenant")
    Optional<String> tenant;

    @Override
    public Integer call() {
        Map<String, String> watermarks = CompactedTopic.read(tool.config().kafka(), Topics.WATERMARKS, TIMEOUT);
        PrintWriter out = spec.commandLine().getOut();
        long nowMicros = tool.clock.instant().getEpochSecond() * 1_000_000L + tool.clock.instant().getNano() / 1000;
        if (tenant.isPresent() && !watermarks.containsKey(tenant.get())) {
            throw new BadInputException("unknown tenant " + tenant.get() + ": it has no watermark in " + Topics.WATERMARKS
                    + " (no change of it is durable yet, or the id is wrong: 'restore-tool list tenants')");
        }
        LastDrill drills = new LastDrill(tool.config());
        out.printf(Locale.ROOT, "%-32s %-30s %12s  %-20s %s%n", "tenant", "durable in both regions until", "lag", "position", "last drill");
        watermarks.forEach((t, value) -> {
            if (tenant.isPresent() && !tenant.get().equals(t)) {
                return;
            }
            Optional<Watermark> w = Watermark.parse(value);
            if (w.isEmpty()) {
                out.printf(Locale.ROOT, "%-32s (unreadable watermark: %s)%n", t, value.length() > 60 ? value.substring(0, 60) + "..." : value);
                return;
            }
            double lag = Math.max(0, nowMicros - w.get().durableCommitMicros()) / 1e6;
            out.printf(Locale.ROOT, "%-32s %-30s %11.1fs  %-20s %s%n", t, RestoreTime.format(w.get().durableCommitMicros()), lag,
                    w.get().position().orElse("-"), drills.describe(t));
        });
        return ExitCodes.OK;
    }
}
