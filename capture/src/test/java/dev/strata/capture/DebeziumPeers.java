package dev.strata.capture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.capture.tables.CapturedTables;
import io.debezium.embedded.Connect;
import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.debezium.engine.format.Json;
import io.debezium.engine.format.KeyValueChangeEventFormat;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * The peers of {@code bench/capture}, run on the same rows in the same JVM: Debezium embedded ALONE with
 * exactly capture's settings ({@link DebeziumSettings}) and a consumer that only counts (capture's
 * ceiling: its own engine), and the pipeline a user would run instead of Strata: Debezium's JSON
 * envelope (key and value through Kafka Connect's JsonConverter, schemas on, its default) produced to
 * Kafka with capture's producer settings (acks=all, idempotent, zstd). Each counts the change events of
 * one table and times them from the first event's commit to the last count (or acknowledgement).
 */
final class DebeziumPeers {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SIZE_SAMPLE = 100;

    /** @param jsonBytesWithSchema average key+value bytes of the JSON envelope; 0 for Debezium alone */
    record Result(int events, double eventsPerSecond, double jsonBytesWithSchema, double jsonBytesWithoutSchema) {
    }

    private DebeziumPeers() {
    }

    static Result alone(CaptureConfig config, String table, int expected, CaptureBench.Workload workload) throws Exception {
        String topic = config.name() + "." + table;
        AtomicInteger counted = new AtomicInteger();
        AtomicLong firstCommitMicros = new AtomicLong(Long.MAX_VALUE);
        AtomicLong lastMicros = new AtomicLong();
        DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> counter = (records, committer) -> {
            for (RecordChangeEvent<SourceRecord> record : records) {
                SourceRecord source = record.record();
                if (topic.equals(source.topic())) {
                    if (counted.getAndIncrement() == 0) {
                        firstCommitMicros.set(((Struct) source.value()).getStruct("source").getInt64("ts_us"));
                    }
                }
                committer.markProcessed(record);
            }
            lastMicros.set(nowMicros());
            committer.markBatchFinished();
        };
        DebeziumEngine<RecordChangeEvent<SourceRecord>> engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                .using(settings(config)).notifying(counter).build();
        return run(engine, config, workload, expected, counted, firstCommitMicros, lastMicros, new AtomicReference<>());
    }

    static Result jsonPipeline(CaptureConfig config, String table, int expected, CaptureBench.Workload workload) throws Exception {
        String topic = config.name() + "." + table;
        AtomicInteger acked = new AtomicInteger();
        AtomicInteger seen = new AtomicInteger();
        AtomicLong firstCommitMicros = new AtomicLong(Long.MAX_VALUE);
        AtomicLong lastAckMicros = new AtomicLong();
        long[] sizes = new long[3]; // bytes with schema, sampled bytes without, samples: the engine's one thread writes
        AtomicReference<Exception> failed = new AtomicReference<>();
        createTopic(config, topic);
        KafkaProducer<String, String> producer = new KafkaProducer<>(producerProperties(config), new StringSerializer(),
                new StringSerializer());
        DebeziumEngine.ChangeConsumer<ChangeEvent<String, String>> publisher = (records, committer) -> {
            for (ChangeEvent<String, String> record : records) {
                if (topic.equals(record.destination()) && record.value() != null) {
                    int n = seen.getAndIncrement();
                    sizes[0] += utf8(record.key()) + utf8(record.value());
                    if (n == 0 || n % SIZE_SAMPLE == 0) {
                        JsonNode value = parse(record.value());
                        if (n == 0) {
                            firstCommitMicros.set(value.path("payload").path("source").path("ts_us").asLong());
                        }
                        // what JsonConverter writes with schemas.enable=false: the payloads alone
                        sizes[1] += utf8(parse(record.key()).path("payload").toString()) + utf8(value.path("payload").toString());
                        sizes[2]++;
                    }
                    producer.send(new ProducerRecord<>(topic, record.key(), record.value()), (metadata, error) -> {
                        if (error != null) {
                            failed.compareAndSet(null, error);
                            return;
                        }
                        acked.incrementAndGet();
                        lastAckMicros.set(nowMicros());
                    });
                }
                committer.markProcessed(record);
            }
            committer.markBatchFinished();
        };
        DebeziumEngine<ChangeEvent<String, String>> engine = DebeziumEngine.create(KeyValueChangeEventFormat.of(Json.class, Json.class))
                .using(settings(config)).notifying(publisher).build();
        try (producer) {
            Result counted = run(engine, config, workload, expected, acked, firstCommitMicros, lastAckMicros, failed);
            return new Result(counted.events(), counted.eventsPerSecond(), (double) sizes[0] / seen.get(), (double) sizes[1] / sizes[2]);
        }
    }

    private static <R> Result run(DebeziumEngine<R> engine, CaptureConfig config, CaptureBench.Workload workload, int expected,
            AtomicInteger counted, AtomicLong firstCommitMicros, AtomicLong lastMicros, AtomicReference<Exception> failed)
            throws Exception {
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try {
            thread.execute(engine);
            awaitSlotActive(config);
            workload.run();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            while (counted.get() < expected) {
                if (System.nanoTime() > deadline || failed.get() != null) {
                    throw new IllegalStateException(config.name() + ": only " + counted.get() + " of " + expected + " events counted",
                            failed.get());
                }
                Thread.sleep(20);
            }
            double seconds = (lastMicros.get() - firstCommitMicros.get()) / 1e6;
            return new Result(counted.get(), counted.get() / seconds, 0, 0);
        } finally {
            try {
                engine.close();
            } catch (IllegalStateException alreadyStopped) {
                // it stopped by itself; the wait above says why
            }
            thread.shutdown();
            thread.awaitTermination(60, TimeUnit.SECONDS);
        }
    }

    /** The topic a Connect pipeline would have made for the table's changes (the local broker creates none by itself). */
    private static void createTopic(CaptureConfig config, String topic) throws Exception {
        try (Admin admin = Admin.create(config.kafkaClient())) {
            admin.createTopics(List.of(new NewTopic(topic, config.topicPartitions(), config.topicReplication()))).all().get();
        }
    }

    /** Capture's own settings: the publication it would make, its slot, its offsets in Kafka. */
    private static Properties settings(CaptureConfig config) {
        CapturedTables.prepare(config, false);
        return DebeziumSettings.of(config);
    }

    private static Properties producerProperties(CaptureConfig config) {
        Properties producer = CaptureService.producerProperties(config);
        producer.remove(ProducerConfig.CLIENT_ID_CONFIG);
        return producer;
    }

    /** The engine streams once its slot is active: rows written from then on arrive as changes, not as a snapshot. */
    private static void awaitSlotActive(CaptureConfig config) throws Exception {
        StreamingCheck check = new StreamingCheck(config);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!check.look().streaming()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(config.name() + " does not stream after 60 s: " + check.look().detail());
            }
            Thread.sleep(50);
        }
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new java.io.UncheckedIOException("the JSON envelope does not parse", e);
        }
    }

    private static int utf8(String text) {
        return text == null ? 0 : text.getBytes(StandardCharsets.UTF_8).length;
    }

    private static long nowMicros() {
        Instant now = Clock.systemUTC().instant();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }
}
