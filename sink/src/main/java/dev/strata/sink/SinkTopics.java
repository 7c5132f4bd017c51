package dev.strata.sink;

import dev.strata.schemas.kafka.TopicSetup;
import dev.strata.schemas.kafka.Topics;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Creates at startup the topics the sink writes, when missing: the dead-letter topic (retained
 * forever, as the router creates it) and {@code strata.watermarks} (compacted: the latest
 * watermark per tenant is the table). The routed topic is the router's; the sink waits for it.
 */
final class SinkTopics {
    private SinkTopics() {
    }

    static List<NewTopic> required(SinkConfig config) {
        return List.of(
                new NewTopic(Topics.DEAD_LETTERS, config.topicPartitions(), config.topicReplication())
                        .configs(config.sizeLimits().topicConfigs(
                                Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1", TopicConfig.RETENTION_BYTES_CONFIG, "-1"))),
                new NewTopic(Topics.WATERMARKS, config.topicPartitions(), config.topicReplication())
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
    }

    static void ensure(Admin admin, SinkConfig config) {
        try {
            TopicSetup.ensure(admin, required(config), "the sink");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating the sink's topics", e);
        }
    }
}
