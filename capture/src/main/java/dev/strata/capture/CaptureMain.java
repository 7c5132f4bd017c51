package dev.strata.capture;

import dev.strata.capture.databases.CaptureDatabases;
import dev.strata.capture.databases.CaptureGroup;
import dev.strata.schemas.kafka.KafkaReachability;
import dev.strata.schemas.kafka.KafkaUnavailableException;
import dev.strata.schemas.ops.ServiceExit;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs capture of every database the file names: {@code java -cp ... dev.strata.capture.CaptureMain
 * capture.properties}. Exit codes:
 * 1 stopped after an error, 2 a configuration or startup-check error, 4 Kafka unavailable at start
 * (no broker answered within {@link KafkaReachability#STARTUP_DEADLINE}: retry later).
 */
public final class CaptureMain {
    private static final Logger LOG = LoggerFactory.getLogger(CaptureMain.class);
    private static final Duration FOREVER = Duration.ofDays(365_000);

    private CaptureMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: CaptureMain <capture.properties>");
            System.exit(2);
        }
        CaptureGroup service;
        try {
            service = CaptureGroup.start(CaptureDatabases.load(Path.of(args[0])), Clock.systemUTC());
        } catch (KafkaUnavailableException e) {
            LOG.error("{}", e.getMessage());
            System.exit(ServiceExit.UNAVAILABLE);
            return;
        } catch (IllegalArgumentException | IllegalStateException e) {
            // configuration and startup-check errors name the thing and the fix: no stack trace needed
            LOG.error("{}", e.getMessage());
            System.exit(2);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                service.close();
            } catch (Exception e) {
                LOG.warn("capture shutdown: {}", e.toString());
            }
        }, "capture-shutdown"));
        boolean clean;
        try {
            clean = service.awaitStop(FOREVER);
        } catch (TimeoutException e) {
            clean = false;
        }
        if (!clean) {
            LOG.error("capture stopped after an error; restart it to resume every database from its last stored offset");
            System.exit(1);
        }
    }
}
