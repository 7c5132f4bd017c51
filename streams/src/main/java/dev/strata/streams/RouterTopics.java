package dev.strata.streams;

import dev.strata.schemas.kafka.KafkaSizeLimits;
import dev.strata.schemas.kafka.TopicSetup;
import dev.strata.schemas.kafka.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/** Creates, at startup, the topics the router reads and writes when they are missing. */
final class RouterTopics {
    private RouterTopics() {
    }

    static List<NewTopic> required(RouterConfig config) {
        int partitions = config.topicPartitions();
        short replication = config.topicReplication();
        KafkaSizeLimits limits = config.sizeLimits();
        List<NewTopic> topics = new ArrayList<>();
        topics.add(new NewTopic(Topics.CHANGES, partitions, replication).configs(limits.topicConfigs()));
        // The placement directory is a table: only the latest regime per tenant matters.
        topics.add(new NewTopic(Topics.TENANTS, 1, replication)
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
        // Parked records are committed changes not yet backed up: they are kept until re-driven, forever.
        topics.add(new NewTopic(Topics.DEAD_LETTERS, partitions, replication).configs(limits.topicConfigs(
                Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1", TopicConfig.RETENTION_BYTES_CONFIG, "-1"))));
        // How far each reason's redrive got in the dead-letter topic: a few keys, the latest value each.
        topics.add(new NewTopic(Topics.DEAD_LETTERS_REDRIVEN, 1, replication)
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
        for (String regime : config.regimes()) {
            topics.add(new NewTopic(Topics.routed(regime), partitions, replication).configs(limits.topicConfigs()));
        }
        return topics;
    }

    /** Returns the names of the topics it created. */
    static List<String> ensure(Admin admin, RouterConfig config) throws InterruptedException {
        return TopicSetup.ensure(admin, required(config), "the router");
    }
}
