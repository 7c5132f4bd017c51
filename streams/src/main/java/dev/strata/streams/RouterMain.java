package dev.strata.streams;

import dev.strata.schemas.kafka.KafkaReachability;
import dev.strata.schemas.kafka.KafkaUnavailableException;
import dev.strata.schemas.ops.ServiceExit;
import dev.strata.schemas.ops.ServiceMeters;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the router: {@code java -cp ... dev.strata.streams.RouterMain router.properties}. Exit codes:
 * 1 stopped after an error (a configuration error too), 2 no config file given, 4 Kafka unavailable at
 * start (no broker answered within {@link KafkaReachability#STARTUP_DEADLINE}: retry later).
 */
public final class RouterMain {
    private static final Logger LOG = LoggerFactory.getLogger(RouterMain.class);

    private RouterMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: RouterMain <router.properties>");
            System.exit(2);
        }
        RouterConfig config = RouterConfig.from(load(Path.of(args[0])));
        try {
            // Kafka Streams itself would retry an unreachable cluster forever, logging "Rebootstrapping"
            KafkaReachability.require(config.streamsProperties(), "the router");
        } catch (KafkaUnavailableException e) {
            LOG.error("{}", e.getMessage());
            System.exit(ServiceExit.UNAVAILABLE);
            return;
        }
        try (Admin admin = Admin.create(config.streamsProperties())) {
            RouterTopics.ensure(admin, config).forEach(topic -> LOG.info("created topic {}", topic));
        }
        ServiceMeters meters = ServiceMeters.start(config.metricsPort());
        KafkaStreams streams = new KafkaStreams(RouterTopology.build(config, meters.registry()), config.streamsProperties());
        meters.bind(new KafkaStreamsMetrics(streams));
        ParkedChangesGauge parked = new ParkedChangesGauge(config.streamsProperties(), meters.registry());
        if (!config.dlqScanInterval().isZero()) {
            parked.start(config.dlqScanInterval());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        streams.setStateListener((now, before) -> {
            LOG.info("router state {} -> {}", before, now);
            if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
                stopped.countDown();
            }
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            parked.close();
            // leave the group: a stopped Streams member stays in it by default, so the other routers would take over
            // its tasks only when its session times out (45 s by default): a rolling restart would stall that long
            streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
            meters.close();
        }, "router-shutdown"));
        streams.start();
        LOG.info("router started: regimes {}, metrics {}", config.regimes(),
                meters.port().map(port -> "on :" + port + "/metrics").orElse("off"));
        stopped.await();
        if (streams.state() == KafkaStreams.State.ERROR) {
            LOG.error("router stopped after an error; see the log above");
            System.exit(1);
        }
    }

    static Properties load(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("router config file " + file + " does not exist: pass the path of router.properties");
        }
        return properties;
    }
}
