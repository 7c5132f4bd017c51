package dev.strata.capture.databases;

import dev.strata.capture.CaptureConfig;
import dev.strata.capture.CaptureService;

import dev.strata.schemas.ops.ServiceMeters;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The captures of one process, one per source database ({@link CaptureDatabases}), sharing one
 * {@code /metrics} endpoint (each meter tagged with its database's source name). One engine stopping
 * on an error stops the process: a restart resumes every database from its own stored offsets, so
 * nothing is lost, and a half-running process would hide the stopped one behind the others' health.
 */
public final class CaptureGroup implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CaptureGroup.class);

    private final ServiceMeters meters;
    private final List<CaptureService> services;
    private final CompletableFuture<CaptureService> firstStopped = new CompletableFuture<>();

    private CaptureGroup(ServiceMeters meters, List<CaptureService> services) {
        this.meters = meters;
        this.services = services;
    }

    /** Starts every database's capture; when one cannot start, the ones started are closed and its error thrown. */
    public static CaptureGroup start(List<CaptureConfig> configs, Clock clock) throws IOException, InterruptedException {
        ServiceMeters meters = ServiceMeters.start(configs.get(0).metricsPort());
        List<CaptureService> started = new ArrayList<>();
        try {
            for (CaptureConfig config : configs) {
                Set<String> fixedElsewhere = configs.stream().filter(other -> other != config)
                        .flatMap(other -> other.fixedTenant().stream()).collect(Collectors.toSet());
                started.add(CaptureService.start(config, clock, meters, fixedElsewhere));
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            closeAll(started);
            meters.close();
            throw e;
        }
        CaptureGroup group = new CaptureGroup(meters, List.copyOf(started));
        for (CaptureService service : started) {
            service.stopped().whenComplete((ok, error) -> group.firstStopped.complete(service));
        }
        return group;
    }

    /**
     * Waits until one database's engine stops (an error) or the group is closed.
     *
     * @return true when every engine stopped cleanly
     */
    public boolean awaitStop(Duration timeout) throws InterruptedException, TimeoutException {
        try {
            firstStopped.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a stopped capture completes the group's wait with its service", e);
        }
        return services.stream().allMatch(s -> s.failure() == null);
    }

    @Override
    public void close() {
        closeAll(services);
        meters.close();
    }

    private static void closeAll(List<CaptureService> services) {
        for (CaptureService service : services) {
            try {
                service.close();
            } catch (IOException | RuntimeException e) {
                LOG.warn("closing a capture failed: {}", e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                LOG.warn("interrupted while closing a capture");
            }
        }
    }
}
