package dev.strata.streams;

import dev.strata.local.LocalKafka;
import dev.strata.schemas.kafka.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;

/**
 * bench/router: events/s routed with exactly-once on this machine. A backlog of N changes of ten
 * tenants (five per regime) is produced first; then the router runs until every change is
 * committed in a regime topic. Usage: RouterBenchmark [events] [partitions].
 */
public final class RouterBenchmark {
    private RouterBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 500_000;
        int partitions = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        Path work = Files.createTempDirectory("strata-bench-router");
        try (LocalKafka kafka = LocalKafka.start(work)) {
            Properties props = new Properties();
            props.setProperty(RouterConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
            props.setProperty(RouterConfig.APPLICATION_ID, "bench-router");
            props.setProperty(RouterConfig.REGIMES, "us,eu");
            props.setProperty(RouterConfig.TOPIC_PARTITIONS, Integer.toString(partitions));
            props.setProperty(RouterConfig.TOPIC_REPLICATION, "1");
            props.setProperty("state.dir", work.resolve("state").toString());
            RouterConfig config = RouterConfig.from(props);
            try (Admin admin = Admin.create(config.streamsProperties())) {
                RouterTopics.ensure(admin, config);
                long produceNanos = produceBacklog(kafka, events);
                System.out.printf(Locale.ROOT, "backlog: %,d changes produced in %.1f s%n", events, produceNanos / 1e9);

                long start = System.nanoTime();
                SimpleMeterRegistry registry = new SimpleMeterRegistry();
                try (KafkaStreams router = new KafkaStreams(RouterTopology.build(config, registry), config.streamsProperties())) {
                    router.start();
                    // Processed (counter) AND committed (read_committed end offsets, which also count
                    // one marker per partition and transaction, so they only confirm, never lead).
                    long routed = 0;
                    while (routed < events || committedRouted(admin, config) < events) {
                        Thread.sleep(100);
                        routed = (long) registry.find(RouterMetrics.ROUTED).counters().stream().mapToDouble(c -> c.count()).sum();
                    }
                    double seconds = (System.nanoTime() - start) / 1e9;
                    System.out.printf(Locale.ROOT, "routed %,d changes with exactly_once_v2 in %.1f s (from router start, incl. startup)%n",
                            routed, seconds);
                    System.out.printf(Locale.ROOT, "| router: events/s routed with exactly-once (%,d events, %d partitions, 2 cores) | >= 50k/s | %,.0f events/s | `bench/router %d %d` |%n",
                            events, partitions, events / seconds, events, partitions);
                }
            }
        }
    }

    private static long produceBacklog(LocalKafka kafka, int events) {
        Properties props = new Properties();
        props.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        props.setProperty(ProducerConfig.LINGER_MS_CONFIG, "10");
        props.setProperty(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
        props.setProperty(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");
        List<String> tenants = List.of("t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8", "t9");
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < tenants.size(); i++) {
                producer.send(new ProducerRecord<>(Topics.TENANTS, TestChanges.key(tenants.get(i)),
                        (i % 2 == 0 ? "us" : "eu").getBytes(StandardCharsets.UTF_8)));
            }
            for (int i = 0; i < events; i++) {
                String tenant = tenants.get(i % tenants.size());
                producer.send(new ProducerRecord<>(Topics.CHANGES, TestChanges.key(tenant), TestChanges.insert(tenant, i)));
            }
            producer.flush();
        }
        return System.nanoTime() - start;
    }

    /** The read_committed end offsets of the regime topics, summed. */
    private static long committedRouted(Admin admin, RouterConfig config) throws Exception {
        Map<TopicPartition, OffsetSpec> request = config.regimes().stream()
                .flatMap(regime -> java.util.stream.IntStream.range(0, config.topicPartitions())
                        .mapToObj(p -> new TopicPartition(Topics.routed(regime), p)))
                .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
        return admin.listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get()
                .values().stream().mapToLong(info -> info.offset()).sum();
    }
}
