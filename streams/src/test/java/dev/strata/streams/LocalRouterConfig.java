package dev.strata.streams;

import dev.strata.local.LocalKafka;
import dev.strata.local.LocalStackExtension;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;

/** A router config for tests on the local broker (regimes us and eu, 3 partitions), its topics created. */
final class LocalRouterConfig {
    private LocalRouterConfig() {
    }

    static RouterConfig create(LocalKafka kafka, String name, Map<String, String> extra) throws InterruptedException {
        String applicationId = name + "-" + UUID.randomUUID();
        Properties props = new Properties();
        props.setProperty(RouterConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        props.setProperty(RouterConfig.APPLICATION_ID, applicationId);
        props.setProperty(RouterConfig.REGIMES, "us,eu");
        props.setProperty(RouterConfig.TOPIC_PARTITIONS, "3");
        props.setProperty(RouterConfig.TOPIC_REPLICATION, "1");
        props.setProperty("commit.interval.ms", "100");
        props.setProperty("state.dir", LocalStackExtension.workDir().resolve("state-" + applicationId).toString());
        props.putAll(extra);
        RouterConfig config = RouterConfig.from(props);
        try (Admin admin = Admin.create(config.streamsProperties())) {
            RouterTopics.ensure(admin, config);
        }
        return config;
    }
}
