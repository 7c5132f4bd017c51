package dev.strata.sink;

import dev.strata.schemas.watermark.Watermark;
import dev.strata.schemas.watermark.WatermarkCodec;
import dev.strata.capture.DebeziumJsonSize;
import dev.strata.local.LoadAverage;
import dev.strata.local.LocalKafka;
import dev.strata.local.LocalObjectStores;
import dev.strata.local.LocalPostgres;
import dev.strata.schemas.TestEvents;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.event.ChangeEventCodec;
import dev.strata.schemas.kafka.Topics;
import dev.strata.schemas.ops.StopSignal;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * bench/sink, on this machine's local stack (KRaft Kafka, two Ceph RGW regions on loopback):
 * <ol>
 *   <li>throughput: a backlog of N change events of ten tenants in the routed topic; a sink with
 *       the default settings (flush.interval 1 s, 8 MiB segments) runs until every offset is
 *       committed, i.e. every event is durable in both regions; events/s from its first read;</li>
 *   <li>latency: events produced at a steady rate with their commit time = now; for each event, the
 *       time until a watermark says it is durable in both regions (which the sink publishes only
 *       after the offset commit that covers it): p50/p99.</li>
 * </ol>
 * Usage: SinkBenchmark [events] [latency events/s] [latency seconds]. Not a test: a main.
 */
public final class SinkBenchmark {
    private static final List<String> TENANTS = List.of("t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8", "t9");
    private static final int PARTITIONS = 6;
    private static final ChangeEventCodec CODEC = new ChangeEventCodec();
    private static final int JSON_SAMPLE = 1_000;

    private SinkBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int rate = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        Path work = Files.createTempDirectory("strata-bench-sink");
        CompletableFuture<LocalObjectStores> starting = CompletableFuture.supplyAsync(() -> LocalObjectStores.start(work));
        try (LocalKafka kafka = LocalKafka.start(work); LocalObjectStores stores = starting.join();
                SinkTestBed bed = new SinkTestBed(kafka, stores, "bench", PARTITIONS);
                KafkaProducer<byte[], byte[]> producer = fastProducer(kafka)) {
            long produceStart = System.nanoTime();
            long lsn = 0;
            long stride = DebeziumJsonSize.stride(events, JSON_SAMPLE);
            List<ChangeEvent> jsonSample = new ArrayList<>();
            for (int i = 0; i < events; i++) {
                String tenant = TENANTS.get(i % TENANTS.size());
                ChangeEvent event = TestEvents.update(tenant, ++lsn, SinkTestBed.BASE_COMMIT_MICROS + i);
                send(producer, bed.regime, event);
                if (i % stride == 0) {
                    jsonSample.add(event);
                }
            }
            producer.flush();
            System.out.printf(Locale.ROOT, "backlog: %,d events (%d tenants, %d partitions) produced in %.1f s%n", events,
                    TENANTS.size(), PARTITIONS, (System.nanoTime() - produceStart) / 1e9);

            Properties props = bed.sinkProperties();
            props.remove(SinkConfig.FLUSH_INTERVAL_MS); // the defaults: 1 s, 8 MiB, 100k records
            props.remove(SinkConfig.SEGMENT_MAX_RECORDS);
            props.setProperty(SinkConfig.MANIFEST_CHECK_INTERVAL_MS, "60000");
            // -Dstrata.bench.unsealed=true: the comparison run without sealing (bodies sealed is the default)
            props.setProperty(SinkConfig.BENCH_UNSEALED_BODIES, Boolean.toString(Boolean.getBoolean("strata.bench.unsealed")));
            System.out.println("bodies " + (Boolean.getBoolean("strata.bench.unsealed") ? "UNSEALED (comparison run)" : "sealed (AES-256-GCM)"));
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            try (SinkService sink = SinkService.start(SinkConfig.from(props), registry, Clock.systemUTC())) {
                SinkTestBed.await("the first event read", Duration.ofMinutes(2), () -> count(registry, "strata.sink.events") > 0);
                long start = System.nanoTime();
                bed.awaitAllCommitted(Duration.ofMinutes(20));
                double took = (System.nanoTime() - start) / 1e9;
                double perSecond = events / took;
                System.out.printf(Locale.ROOT, "throughput: %,d events durable in both regions and committed in %.1f s: %,.0f events/s;"
                                + " %,.0f segments and %.1f MiB per region%n", events, took, perSecond,
                        count(registry, "strata.sink.segments.uploaded") / 2, count(registry, "strata.sink.bytes.uploaded") / 2 / 1048576.0);

                double storedPerEvent = count(registry, "strata.sink.bytes.uploaded") / 2 / events;
                RegionCeiling.Segments stored = RegionCeiling.read(bed, TENANTS);
                // before the latency run (over by then): nothing else loads the regions while the copies are PUT
                RegionCeiling ceiling = RegionCeiling.measure(bed, stored);
                double ceilingPerSecond = events / ceiling.seconds();
                DebeziumJsonSize.Sizes json = jsonSizes(work, jsonSample);
                System.out.printf(Locale.ROOT, "raw ceiling of the two regions: the same %,d segments (%.1f MiB per region) PUT again to both"
                        + " at once, %d in flight per region, no Kafka: %.1f s, %,.0f events/s; sink / ceiling %.2fx; bytes stored per"
                        + " event %.1f vs %s; %s%n", ceiling.objects(), ceiling.bytes() / 1048576.0, SinkConfig.UPLOAD_CONCURRENCY_DEFAULT,
                        ceiling.seconds(), ceilingPerSecond, perSecond / ceilingPerSecond, storedPerEvent, json.describe(), LoadAverage.now());

                double[] latency = latency(kafka, bed, producer, rate, seconds);
                System.out.printf(Locale.ROOT, "latency: %,d events at %,d/s: commit -> watermark (durable in both, offset committed)"
                        + " p50 %.2f s, p99 %.2f s, max %.2f s%n", latency.length, rate, pct(latency, 50), pct(latency, 99),
                        latency[latency.length - 1]);
                System.out.println();
                System.out.printf(Locale.ROOT, "| sink: events/s into two regions (%,d events, %d tenants, %d partitions, RGW on loopback) | >= 100k/s | %,.0f events/s | `bench/sink` |%n",
                        events, TENANTS.size(), PARTITIONS, perSecond);
                System.out.printf(Locale.ROOT, "| sink vs the regions' raw ceiling (the same segments PUT to both regions, %d in flight per region, no Kafka), same run;"
                        + " bytes stored per event | | %.2fx: sink %,.0f events/s, ceiling %,.0f events/s (%.1f s for %,d segments, %.1f MiB per region);"
                        + " %.1f bytes stored per event vs the same events as Debezium's JSON envelope %.0f with schemas, %.0f without (%s)"
                        + " | `bench/sink` |%n", SinkConfig.UPLOAD_CONCURRENCY_DEFAULT, perSecond / ceilingPerSecond, perSecond, ceilingPerSecond,
                        ceiling.seconds(), ceiling.objects(), ceiling.bytes() / 1048576.0, storedPerEvent, json.withSchemas(), json.withoutSchemas(),
                        LoadAverage.now());
                System.out.printf(Locale.ROOT, "| sink: commit -> durable in both regions p50/p99, flush.interval 1 s (%,d events/s) | p99 <= 2 s | p50 %.2f s, p99 %.2f s | `bench/sink` |%n",
                        rate, pct(latency, 50), pct(latency, 99));
            }
        }
    }

    /**
     * Debezium's JSON envelope of the sampled backlog events: issue 18's size peer. Its Postgres (the connector reads the
     * tables' columns from a catalog) runs between the measured runs, so it takes nothing from them.
     */
    private static DebeziumJsonSize.Sizes jsonSizes(Path work, List<ChangeEvent> sample) {
        try (LocalPostgres pg = LocalPostgres.start(work); DebeziumJsonSize size = DebeziumJsonSize.open(pg, "bench_json_size")) {
            sample.forEach(size::add);
            return size.sizes();
        }
    }

    /** Per event: first watermark of its tenant covering its commit time, published at - commit time; sorted, in seconds. */
    private static double[] latency(LocalKafka kafka, SinkTestBed bed, KafkaProducer<byte[], byte[]> producer, int rate, int seconds)
            throws Exception {
        Map<String, List<Long>> commits = new HashMap<>();
        TENANTS.forEach(t -> commits.put(t, new ArrayList<>()));
        ConcurrentLinkedQueue<Watermark> seen = new ConcurrentLinkedQueue<>();
        AtomicBoolean watching = new AtomicBoolean(true);
        CompletableFuture<Void> watcher = CompletableFuture.runAsync(() -> watch(kafka, bed.regime, seen, watching));
        long lsn = 1_000_000_000L;
        long begin = System.nanoTime();
        long sent = 0;
        long total = (long) rate * seconds;
        StopSignal pace = new StopSignal();
        while (sent < total) {
            long due = (System.nanoTime() - begin) * rate / 1_000_000_000L;
            for (; sent < Math.min(due, total); sent++) {
                String tenant = TENANTS.get((int) (sent % TENANTS.size()));
                long commit = System.currentTimeMillis() * 1_000L;
                commits.get(tenant).add(commit);
                send(producer, bed.regime, TestEvents.update(tenant, ++lsn, commit));
            }
            pace.awaitStop(Duration.ofMillis(5));
        }
        // the sink proves a tenant's last transaction whole only once a later record of the tenant arrives (else it stays one
        // microsecond short of it): capture's heartbeats give it that record, here one per tenant after the paced events
        long after = (System.currentTimeMillis() + 1) * 1_000L;
        for (String tenant : TENANTS) {
            send(producer, bed.regime, TestEvents.heartbeat(tenant, ++lsn, after));
        }
        producer.flush();
        bed.awaitAllCommitted(Duration.ofMinutes(2));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!everyLastCommitCovered(commits, seen) && System.nanoTime() < deadline) {
            pace.awaitStop(Duration.ofMillis(50));
        }
        watching.set(false);
        watcher.join();

        List<Double> latencies = new ArrayList<>();
        Map<String, Integer> next = new HashMap<>();
        for (Watermark w : seen) {
            List<Long> times = commits.get(w.tenant().value());
            int i = next.getOrDefault(w.tenant().value(), 0);
            while (i < times.size() && times.get(i) <= w.durableCommitMicros()) {
                latencies.add((w.publishedAtMicros() - times.get(i)) / 1e6);
                i++;
            }
            next.put(w.tenant().value(), i);
        }
        double[] sorted = latencies.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (sorted.length < total) {
            throw new IllegalStateException("only " + sorted.length + " of " + total + " events were covered by a watermark within 30 s"
                    + " of the last commit acknowledged");
        }
        return sorted;
    }

    private static boolean everyLastCommitCovered(Map<String, List<Long>> commits, ConcurrentLinkedQueue<Watermark> seen) {
        Map<String, Long> covered = new HashMap<>();
        seen.forEach(w -> covered.merge(w.tenant().value(), w.durableCommitMicros(), Math::max));
        return commits.entrySet().stream().allMatch(e -> e.getValue().isEmpty()
                || covered.getOrDefault(e.getKey(), Long.MIN_VALUE) >= e.getValue().get(e.getValue().size() - 1));
    }

    private static void watch(LocalKafka kafka, String regime, ConcurrentLinkedQueue<Watermark> seen, AtomicBoolean watching) {
        Properties props = new Properties();
        props.setProperty("bootstrap.servers", kafka.bootstrapServers());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> tps = consumer.partitionsFor(Topics.WATERMARKS).stream()
                    .map(i -> new TopicPartition(Topics.WATERMARKS, i.partition())).toList();
            consumer.assign(tps);
            consumer.seekToEnd(tps);
            tps.forEach(consumer::position);
            while (watching.get()) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    Watermark w = WatermarkCodec.decode(record.value());
                    if (w.regime().equals(regime)) {
                        seen.add(w);
                    }
                }
            }
        }
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String regime, ChangeEvent event) {
        producer.send(new ProducerRecord<>(Topics.routed(regime), event.getTenant().getBytes(StandardCharsets.UTF_8), CODEC.encode(event)));
    }

    private static KafkaProducer<byte[], byte[]> fastProducer(LocalKafka kafka) {
        Properties props = new Properties();
        props.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        props.setProperty(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.setProperty(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
        props.setProperty(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static double count(SimpleMeterRegistry registry, String name) {
        return registry.find(name).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    private static double pct(double[] sorted, int percentile) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(percentile / 100.0 * sorted.length) - 1)];
    }

}
