package dev.strata.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.local.LocalKafka;
import dev.strata.local.LocalStackExtension;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.event.ChangeEventCodec;
import dev.strata.schemas.kafka.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
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
        produce(kafka, 0, EVENTS / 2);

        Path dir = workDir().resolve("router-eos");
        RouterProcess first = RouterProcess.start(dir, config);
        awaitRouted(kafka, EVENTS / 10, Duration.ofSeconds(120));
        first.crash();
        produce(kafka, EVENTS / 2, EVENTS);

        List<ConsumerRecord<byte[], byte[]>> routed;
        try (RouterProcess second = RouterProcess.start(dir, config)) {
            routed = awaitRouted(kafka, EVENTS, Duration.ofSeconds(180));
            assertThat(second.alive()).isTrue();
        }

        Map<String, List<Long>> lsnsByTenant = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : routed) {
            ChangeEvent event = codec.decode(record.value());
            String tenant = event.getTenant();
            assertThat(record.topic()).as("tenant %s's regime", tenant).isEqualTo(Topics.routed(placement.get(tenant)));
            lsnsByTenant.computeIfAbsent(tenant, t -> new ArrayList<>()).add(event.getLsn());
        }
        assertThat(routed).as("every input exactly once").hasSize(EVENTS);
        for (String tenant : TENANTS) {
            List<Long> lsns = lsnsByTenant.get(tenant);
            assertThat(lsns).as("tenant %s in its commit order, no gaps, no duplicates", tenant)
                    .isSorted().doesNotHaveDuplicates().hasSize(EVENTS / TENANTS.size());
        }
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
        config.setProperty("consumer.session.timeout.ms", "6000");
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

    private static void produce(LocalKafka kafka, int from, int to) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(kafka), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = from; i < to; i++) {
                String tenant = TENANTS.get(i % TENANTS.size());
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
    private static List<ConsumerRecord<byte[], byte[]>> awaitRouted(LocalKafka kafka, int atLeast, Duration timeout) {
        Properties props = new Properties();
        props.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.setProperty(ConsumerConfig.GROUP_ID_CONFIG, "verify-" + UUID.randomUUID());
        props.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<byte[], byte[]>> seen = new ArrayList<>();
        Instant deadline = Instant.now().plus(timeout);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.routed("us"), Topics.routed("eu")));
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
