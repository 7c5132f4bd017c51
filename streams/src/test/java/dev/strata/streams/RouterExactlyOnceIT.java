package dev.strata.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.local.LocalKafka;
import dev.strata.local.LocalStackExtension;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.event.ChangeEventCodec;
import dev.strata.schemas.kafka.Topics;
import dev.strata.schemas.ops.StopSignal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** On the real broker with exactly-once: a router killed mid-stream and restarted routes every change exactly once. */
@ExtendWith(LocalStackExtension.class)
class RouterExactlyOnceIT {
    private static final int EVENTS = 50_000;
    private static final List<String> TENANTS = List.of("t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8", "t9");
    private static final List<String> REGIMES = List.of("us", "eu");
    private static final List<String> PAIR_TENANTS = List.of("p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9");
    private static final List<String> PAIR_REGIMES = List.of("pair-us", "pair-eu");
    private static final String SESSION_TIMEOUT = "consumer.session.timeout.ms";
    /** Far below the 45 s session timeout a member that did not leave would hold its tasks for, and above a loaded machine's pauses. */
    private static final Duration LEFT_WITHIN = Duration.ofSeconds(10);
    private final ChangeEventCodec codec = new ChangeEventCodec();

    @Test
    void shouldRouteEveryChangeExactlyOnceInTenantOrderAcrossAKill(LocalKafka kafka) throws Exception {
        Properties config = routerConfig(kafka, "eos-" + UUID.randomUUID());
        try (Admin admin = Admin.create(config)) {
            RouterTopics.ensure(admin, RouterConfig.from(config));
        }
        Map<String, String> placement = new HashMap<>();
        for (int i = 0; i < TENANTS.size(); i++) {
            placement.put(TENANTS.get(i), i % 2 == 0 ? "us" : "eu");
        }
        place(kafka, placement);
        // The second half is produced while the router is dead, so the kill is surely mid-stream.
        produce(kafka, TENANTS, 0, EVENTS / 2);

        Path dir = workDir().resolve("router-eos");
        RouterProcess first = RouterProcess.start(dir, config);
        awaitRouted(kafka, REGIMES, EVENTS / 10, Duration.ofSeconds(120));
        first.crash();
        produce(kafka, TENANTS, EVENTS / 2, EVENTS);

        List<ConsumerRecord<byte[], byte[]>> routed;
        try (RouterProcess second = RouterProcess.start(dir, config)) {
            routed = awaitRouted(kafka, REGIMES, EVENTS, Duration.ofSeconds(180));
            assertThat(second.alive()).isTrue();
        }

        assertExactlyOnceInTenantOrder(routed, placement, TENANTS);
    }

    /**
     * Two routers of one application id share the partitions of strata.changes; one is stopped and started again
     * while changes flow, so its tasks move to the other and back: every change still lands once, in its
     * tenant's regime (both hold the same placement table), in the tenant's order.
     */
    @Test
    void twoRoutersRouteEveryChangeExactlyOnceWhileOneRestarts(LocalKafka kafka) throws Exception {
        // tenants and regimes of its own: the broker, strata.changes and strata.tenants are shared with the test above
        Properties config = routerConfig(kafka, "pair-" + UUID.randomUUID());
        config.setProperty(RouterConfig.REGIMES, String.join(",", PAIR_REGIMES));
        // the production session timeout (45 s): a graceful stop must not wait for it
        config.remove(SESSION_TIMEOUT);
        try (Admin admin = Admin.create(config)) {
            RouterTopics.ensure(admin, RouterConfig.from(config));
        }
        Map<String, String> placement = new HashMap<>();
        for (int i = 0; i < PAIR_TENANTS.size(); i++) {
            placement.put(PAIR_TENANTS.get(i), PAIR_REGIMES.get(i % 2));
        }
        place(kafka, placement);
        produce(kafka, PAIR_TENANTS, 0, EVENTS / 4);
        ExecutorService producerThread = Executors.newSingleThreadExecutor();
        // the rest while the routers come and go, about 2,500 changes per second
        CompletableFuture<Void> load = CompletableFuture.runAsync(() -> {
            StopSignal pace = new StopSignal();
            for (int from = EVENTS / 4; from < EVENTS; from += 250) {
                produce(kafka, PAIR_TENANTS, from, Math.min(EVENTS, from + 250));
                pace.awaitStop(Duration.ofMillis(100));
            }
        }, producerThread);
        producerThread.shutdown();

        Path dir = workDir().resolve("router-pair-" + config.getProperty(RouterConfig.APPLICATION_ID));
        List<ConsumerRecord<byte[], byte[]>> routed;
        try (RouterProcess first = RouterProcess.start(dir.resolve("first"), instance(config, "first"));
             RouterProcess second = RouterProcess.start(dir.resolve("second"), instance(config, "second"))) {
            awaitRouted(kafka, PAIR_REGIMES, EVENTS / 3, Duration.ofSeconds(120));
            assertThat(load).as("changes still flow at the restart").isNotDone();
            first.close(); // a graceful stop: its tasks move to the second, their transactions committed or aborted
            assertLeftTheGroup(kafka, config.getProperty(RouterConfig.APPLICATION_ID));
            try (RouterProcess again = RouterProcess.start(dir.resolve("first"), instance(config, "first"))) {
                load.get();
                routed = awaitRouted(kafka, PAIR_REGIMES, EVENTS, Duration.ofSeconds(180));
                assertThat(again.alive()).isTrue();
                assertThat(second.alive()).isTrue();
            }
        }
        assertExactlyOnceInTenantOrder(routed, placement, PAIR_TENANTS);
    }

    private void assertExactlyOnceInTenantOrder(List<ConsumerRecord<byte[], byte[]>> routed, Map<String, String> placement,
                                                List<String> tenants) {
        Map<String, List<Long>> lsnsByTenant = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : routed) {
            ChangeEvent event = codec.decode(record.value());
            String tenant = event.getTenant();
            assertThat(record.topic()).as("tenant %s's regime", tenant).isEqualTo(Topics.routed(placement.get(tenant)));
            lsnsByTenant.computeIfAbsent(tenant, t -> new ArrayList<>()).add(event.getLsn());
        }
        assertThat(routed).as("every input exactly once").hasSize(EVENTS);
        for (String tenant : tenants) {
            List<Long> lsns = lsnsByTenant.get(tenant);
            assertThat(lsns).as("tenant %s in its commit order, no gaps, no duplicates", tenant)
                    .isSorted().doesNotHaveDuplicates().hasSize(EVENTS / tenants.size());
        }
    }

    /** A router stopped gracefully leaves its group at once, so its tasks move now, not when its session times out. */
    private static void assertLeftTheGroup(LocalKafka kafka, String applicationId) throws Exception {
        Instant deadline = Instant.now().plus(LEFT_WITHIN);
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()))) {
            int members = members(admin, applicationId);
            while (members > 1 && Instant.now().isBefore(deadline)) {
                Thread.sleep(200);
                members = members(admin, applicationId);
            }
            assertThat(members).as("members of group %s within %s of one of two routers stopping gracefully", applicationId, LEFT_WITHIN)
                    .isEqualTo(1);
        }
    }

    private static int members(Admin admin, String group) throws Exception {
        return admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get().members().size();
    }

    /** One instance's copy of the application's config: its own state directory, as on its own machine. */
    private static Properties instance(Properties config, String name) {
        Properties instance = new Properties();
        instance.putAll(config);
        instance.setProperty("state.dir", config.getProperty("state.dir") + "-" + name);
        return instance;
    }

    private static Properties routerConfig(LocalKafka kafka, String applicationId) {
        Properties config = new Properties();
        config.setProperty(RouterConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        config.setProperty(RouterConfig.APPLICATION_ID, applicationId);
        config.setProperty(RouterConfig.REGIMES, "us,eu");
        config.setProperty(RouterConfig.TOPIC_PARTITIONS, "3");
        config.setProperty(RouterConfig.TOPIC_REPLICATION, "1");
        config.setProperty("commit.interval.ms", "100");
        config.setProperty("state.dir", workDir().resolve("state-" + applicationId).toString());
        // A killed member holds its partitions until its session times out: keep that short here.
        config.setProperty(SESSION_TIMEOUT, "6000");
        return config;
    }

    private static Path workDir() {
        return LocalStackExtension.workDir();
    }

    private static void place(LocalKafka kafka, Map<String, String> placement) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps(kafka), new StringSerializer(), new StringSerializer())) {
            for (Map.Entry<String, String> entry : placement.entrySet()) {
                producer.send(new ProducerRecord<>(Topics.TENANTS, entry.getKey(), entry.getValue())).get();
            }
        }
    }

    private static void produce(LocalKafka kafka, List<String> tenants, int from, int to) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(kafka), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = from; i < to; i++) {
                String tenant = tenants.get(i % tenants.size());
                producer.send(new ProducerRecord<>(Topics.CHANGES, TestChanges.key(tenant), TestChanges.insert(tenant, i)));
            }
            producer.flush();
        }
    }

    private static Properties producerProps(LocalKafka kafka) {
        Properties props = new Properties();
        props.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        props.setProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        return props;
    }

    /** Reads both regime topics, read_committed, from the beginning, until {@code atLeast} records are seen. */
    private static List<ConsumerRecord<byte[], byte[]>> awaitRouted(LocalKafka kafka, List<String> regimes, int atLeast, Duration timeout) {
        Properties props = new Properties();
        props.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.setProperty(ConsumerConfig.GROUP_ID_CONFIG, "verify-" + UUID.randomUUID());
        props.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<byte[], byte[]>> seen = new ArrayList<>();
        Instant deadline = Instant.now().plus(timeout);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(regimes.stream().map(Topics::routed).toList());
            int quietPolls = 0;
            while (Instant.now().isBefore(deadline) && (seen.size() < atLeast || quietPolls < 6)) {
                int before = seen.size();
                consumer.poll(Duration.ofMillis(500)).forEach(seen::add);
                // once enough arrived, keep reading a few quiet seconds so that duplicates would show
                quietPolls = seen.size() == before && seen.size() >= atLeast ? quietPolls + 1 : 0;
                if (atLeast < EVENTS && seen.size() >= atLeast) {
                    break;
                }
            }
        }
        assertThat(seen.size()).as("routed records within %s", timeout).isGreaterThanOrEqualTo(atLeast);
        return seen;
    }
}
