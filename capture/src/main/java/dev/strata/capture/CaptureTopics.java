package dev.strata.capture;

import dev.strata.schemas.kafka.KafkaSizeLimits;
import dev.strata.schemas.kafka.TopicSetup;
import dev.strata.schemas.kafka.Topics;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Creates, at startup, the topics capture writes when they are missing, with the router's settings
 * (DESIGN.md section 4). Debezium's offset store creates its own compacted topic.
 */
final class CaptureTopics {
    private CaptureTopics() {
    }

    static List<NewTopic> required(CaptureConfig config) {
        int partitions = config.topicPartitions();
        short replication = config.topicReplication();
        KafkaSizeLimits limits = config.sizeLimits();
        return List.of(
                new NewTopic(Topics.CHANGES, partitions, replication).configs(limits.topicConfigs()),
                // parked changes are committed changes not yet backed up: kept until re-driven, forever
                new NewTopic(Topics.DEAD_LETTERS, partitions, replication).configs(limits.topicConfigs(
                        Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1", TopicConfig.RETENTION_BYTES_CONFIG, "-1"))));
    }

    /** Returns the names of the topics it created. */
    static List<String> ensure(Admin admin, CaptureConfig config) throws InterruptedException {
        return TopicSetup.ensure(admin, required(config), "capture");
    }
}
