package dev.strata.local;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Properties;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class ServerConfigTest {

    @Test
    void kafkaIsOneNodeThatCanRunTransactions() {
        Properties config = KafkaBrokerConfig.combined(9092, 9093, Path.of("/tmp/data"));

        assertThat(config).containsEntry("process.roles", "broker,controller")
                .containsEntry("controller.quorum.voters", "1@127.0.0.1:9093")
                .containsEntry("listeners", "PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093")
                .containsEntry("offsets.topic.replication.factor", "1")
                .containsEntry("transaction.state.log.replication.factor", "1")
                .containsEntry("transaction.state.log.min.isr", "1")
                .containsEntry("share.coordinator.state.topic.replication.factor", "1")
                .containsEntry("group.initial.rebalance.delay.ms", "0")
                .containsEntry("auto.create.topics.enable", "false")
                .containsEntry("log.cleaner.dedupe.buffer.size", "2097152");
    }

    @Test
    void cephBindsLoopbackOnlyAndProposesMapChangesQuickly() {
        String conf = CephConfig.render(Path.of("/w/ceph-1/primary"), UUID.randomUUID(), 3300, 6789, "primary", 8000);

        assertThat(conf).contains("mon host = [v2:127.0.0.1:3300,v1:127.0.0.1:6789]")
                .contains("public addr = 127.0.0.1")
                .contains("[client.rgw.primary]")
                .contains("rgw frontends = beast endpoint=127.0.0.1:8000 tcp_nodelay=1")
                .contains("paxos propose interval = 0.05")
                .contains("admin socket = /w/ceph-1/primary/run/$name.asok");
    }

    @Test
    void cephDropsAdminSocketsThatWouldNotFitAUnixSocketPath() {
        Path deep = Path.of("/" + "deep/".repeat(20) + "ceph-1/primary");

        assertThat(CephConfig.render(deep, UUID.randomUUID(), 3300, 6789, "primary", 8000)).contains("admin socket = \n");
    }
}
