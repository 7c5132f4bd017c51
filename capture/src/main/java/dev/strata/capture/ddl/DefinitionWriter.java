package dev.strata.capture.ddl;

import dev.strata.capture.CaptureConfig;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the captured tables' definitions into the WAL ({@link DdlHistory#writeDefinitions}) when
 * asked: once capture streams, and again whenever a tenant becomes known (placed, or its first
 * change), since a DDL event reaches only the tenants known when it is converted. Requests are
 * coalesced (at most one write per {@link #PERIOD}); a failed write is retried at the next period.
 */
public final class DefinitionWriter implements AutoCloseable {
    static final Duration PERIOD = Duration.ofMillis(100);
    private static final Logger LOG = LoggerFactory.getLogger(DefinitionWriter.class);

    private final CaptureConfig config;
    private final BooleanSupplier streaming;
    private final AtomicBoolean requested = new AtomicBoolean(true);
    private final java.util.concurrent.CountDownLatch firstWritten = new java.util.concurrent.CountDownLatch(1);
    private final ScheduledExecutorService timer;
    private boolean failing;

    private DefinitionWriter(CaptureConfig config, BooleanSupplier streaming) {
        this.config = config;
        this.streaming = streaming;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "capture-definitions-" + config.name());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** @return null when schema history is off */
    public static DefinitionWriter start(CaptureConfig config, BooleanSupplier streaming) {
        if (!config.ddlHistory()) {
            return null;
        }
        DefinitionWriter writer = new DefinitionWriter(config, streaming);
        writer.timer.scheduleWithFixedDelay(writer::writeIfRequested, 0, PERIOD.toMillis(), TimeUnit.MILLISECONDS);
        return writer;
    }

    /** Asks for the definitions to be written again (soon, once). */
    public void request() {
        requested.set(true);
    }

    private void writeIfRequested() {
        if (!streaming.getAsBoolean() || !requested.getAndSet(false)) {
            return;
        }
        try {
            DdlHistory.writeDefinitions(config);
            firstWritten.countDown();
            if (failing) {
                failing = false;
                LOG.info("table definitions are written again");
            }
        } catch (SQLException | RuntimeException e) {
            requested.set(true);
            if (!failing) {
                failing = true;
                LOG.warn("cannot write the captured tables' definitions into the WAL: {} (retried every {} ms; until then a"
                        + " restore of a tenant new since the last write may lack its tables' definitions)", e.getMessage(),
                        PERIOD.toMillis());
            }
        }
    }

    /** Waits until the definitions were written once since capture streams; false when {@code timeout} passed first. */
    public boolean awaitFirstWrite(Duration timeout) throws InterruptedException {
        return firstWritten.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        timer.shutdownNow();
        timer.awaitTermination(10, TimeUnit.SECONDS);
    }
}
