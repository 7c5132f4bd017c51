package dev.strata.sink;

import dev.strata.schemas.kafka.KafkaReachability;
import dev.strata.schemas.kafka.KafkaUnavailableException;
import dev.strata.schemas.ops.ServiceExit;
import dev.strata.schemas.ops.ServiceMeters;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one regime's sink: {@code java -cp ... dev.strata.sink.SinkMain sink-eu.properties}. Exit codes:
 * 1 a failure it cannot retry, 2 a configuration error, 4 Kafka unavailable at start (no broker
 * answered within {@link KafkaReachability#STARTUP_DEADLINE}: retry later).
 */
public final class SinkMain {
    private static final Logger LOG = LoggerFactory.getLogger(SinkMain.class);

    private SinkMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: SinkMain <sink.properties>");
            System.exit(2);
        }
        SinkConfig config;
        try {
            config = SinkConfig.from(load(Path.of(args[0])));
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        ServiceMeters meters = ServiceMeters.start(config.metricsPort());
        LOG.info("metrics {}", meters.port().map(port -> "on :" + port + "/metrics").orElse("off"));
        SinkService sink;
        try {
            sink = SinkService.start(config, meters.registry(), Clock.systemUTC());
        } catch (KafkaUnavailableException e) {
            LOG.error("{}", e.getMessage());
            System.exit(ServiceExit.UNAVAILABLE);
            return;
        } catch (RuntimeException e) {
            LOG.error("sink of regime {} cannot start: {}", config.regime(), e.getMessage(), e);
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sink.close();
            meters.close();
        }, "sink-shutdown"));
        sink.awaitStop();
        if (sink.failure().isPresent()) {
            System.exit(1);
        }
    }

    static Properties load(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("sink config file " + file + " does not exist: pass the path of the regime's sink.properties");
        }
        return properties;
    }
}
