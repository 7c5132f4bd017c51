package dev.strata.local;

import java.nio.file.Path;
import java.util.Properties;

/** server.properties of the single-node KRaft broker: one process is broker and controller. */
final class KafkaBrokerConfig {
    /** Keeps the broker's heap small: the default 128 MiB log-cleaner buffer is allocated at start. */
    static final int DEDUPE_BUFFER_BYTES = 2 * 1024 * 1024;
    /**
     * Strata's default strata.max.event.bytes (65 MiB) plus its 1 MiB record envelope: the topics Strata
     * creates carry this as max.message.bytes anyway; the broker allows it too, so a topic a test
     * creates by hand takes what Strata sends.
     */
    static final int MESSAGE_MAX_BYTES = 66 * 1024 * 1024;

    private KafkaBrokerConfig() {
    }

    static Properties combined(int brokerPort, int controllerPort, Path logDir) {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        // a static quorum: the storage format needs no --standalone bootstrap
        p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("log.dirs", logDir.toString());
        p.setProperty("num.partitions", "1");
        // One node: every internal topic (consumer offsets, transactions, share groups) must fit on it,
        // or idempotent producers, transactions and exactly-once streams never become available.
        p.setProperty("default.replication.factor", "1");
        p.setProperty("min.insync.replicas", "1");
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "3");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("transaction.state.log.num.partitions", "3");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        // tests: no 3 s wait before the first consumer group rebalance
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        // topics are created on purpose (with their configs), never by a typo in a test
        p.setProperty("auto.create.topics.enable", "false");
        p.setProperty("log.cleaner.dedupe.buffer.size", String.valueOf(DEDUPE_BUFFER_BYTES));
        p.setProperty("message.max.bytes", String.valueOf(MESSAGE_MAX_BYTES));
        return p;
    }
}
