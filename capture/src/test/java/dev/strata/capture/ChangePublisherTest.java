package dev.strata.capture;

import dev.strata.capture.heartbeat.KnownTenants;
import dev.strata.capture.pg.ColumnTypes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Op;
import dev.strata.schemas.event.ChangeEventCodec;
import dev.strata.schemas.kafka.DeadLetterHeaders;
import dev.strata.schemas.kafka.DeadLetterReason;
import dev.strata.schemas.kafka.KafkaSizeLimits;
import dev.strata.schemas.kafka.Topics;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

/** The ordering invariant: a record is marked processed only after Kafka acknowledged it and all before it. */
class ChangePublisherTest {
    private static final int LIMIT = KafkaSizeLimits.MIN_EVENT_BYTES;
    private static final Schema HEARTBEAT = SchemaBuilder.struct().field("ts_ms", Schema.INT64_SCHEMA).build();

    private final MockProducer<byte[], byte[]> producer = new MockProducer<>(false, null, new ByteArraySerializer(),
            new ByteArraySerializer());
    private final List<SourceRecord> marked = new ArrayList<>();
    private final List<ChangeEvent> published = new ArrayList<>();
    private final List<DeadLetterReason> parked = new ArrayList<>();
    private int batchesFinished;
    private int streamingSignals;

    /** An empty catalog: the row's own tenant_id column decides, Debezium's types stand in. */
    private final ChangeConverter converter = new ChangeConverter("app", new TenantResolver("tenant_id", (Pattern) null, Map.of()),
            new ColumnTypes(table -> Optional.empty()), new KnownTenants());

    private final DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer = new DebeziumEngine.RecordCommitter<>() {
        @Override
        public void markProcessed(RecordChangeEvent<SourceRecord> record) {
            marked.add(record.record());
        }

        @Override
        public void markBatchFinished() {
            batchesFinished++;
        }

        @Override
        public void markProcessed(RecordChangeEvent<SourceRecord> record, DebeziumEngine.Offsets sourceOffsets) {
            marked.add(record.record());
        }

        @Override
        public DebeziumEngine.Offsets buildOffsets() {
            throw new UnsupportedOperationException();
        }
    };

    private final ChangePublisher publisher = new ChangePublisher(producer, converter, new ChangeEventCodec(),
            new DeadLetters("app", Clock.fixed(Instant.EPOCH, ZoneOffset.UTC)), new DeliveryListener() {
                @Override
                public void published(ChangeEvent event, long ackedAtMicros) {
                    published.add(event);
                }

                @Override
                public void parked(DeadLetterReason reason) {
                    parked.add(reason);
                }

                @Override
                public void heartbeat(long atMillis) {
                }

                @Override
                public void streaming() {
                    streamingSignals++;
                }
            }, Clock.systemUTC(), new KafkaSizeLimits(LIMIT), 1_000);

    private static List<RecordChangeEvent<SourceRecord>> heartbeats(int count, int from) {
        return heartbeats(count, from, Map.of());
    }

    private static List<RecordChangeEvent<SourceRecord>> heartbeats(int count, int from, Map<String, ?> offset) {
        List<RecordChangeEvent<SourceRecord>> records = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            Map<String, Object> position = new java.util.HashMap<>(offset);
            position.put("n", i);
            SourceRecord record = new SourceRecord(Map.of(), position, "__debezium-heartbeat.app", HEARTBEAT,
                    new Struct(HEARTBEAT).put("ts_ms", (long) i));
            records.add(() -> record);
        }
        return records;
    }

    private static List<RecordChangeEvent<SourceRecord>> changes(int count, int from) {
        Schema row = SchemaBuilder.struct().optional().field("tenant_id", SchemaBuilder.string()
                .parameter(ColumnTypes.SOURCE_TYPE, "TEXT").build()).build();
        Schema source = SchemaBuilder.struct().field("schema", Schema.STRING_SCHEMA).field("table", Schema.STRING_SCHEMA)
                .field("lsn", Schema.INT64_SCHEMA).field("ts_us", Schema.INT64_SCHEMA).field("txId", Schema.INT64_SCHEMA).build();
        Schema envelope = SchemaBuilder.struct().field("before", row).field("after", row).field("source", source)
                .field("op", Schema.STRING_SCHEMA).build();
        List<RecordChangeEvent<SourceRecord>> records = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            Struct value = new Struct(envelope).put("op", "c").put("after", new Struct(row).put("tenant_id", "acme"))
                    .put("source", new Struct(source).put("schema", "public").put("table", "t").put("lsn", (long) i)
                            .put("ts_us", 1L).put("txId", 1L));
            SourceRecord record = new SourceRecord(Map.of(), Map.of("n", i), "app.public.t", null, null, null, envelope, value);
            records.add(() -> record);
        }
        return records;
    }

    @Test
    void aSmallBatchIsAcknowledgedAndMarkedBeforeTheCallReturns() throws Exception {
        List<RecordChangeEvent<SourceRecord>> batch = changes(3, 0);
        batch.addAll(heartbeats(1, 3));
        publisher.handleBatch(batch, committer);
        assertThat(marked).hasSize(4);
        assertThat(producer.history()).hasSize(3).allSatisfy(r -> {
            assertThat(r.topic()).isEqualTo(Topics.CHANGES);
            assertThat(new String(r.key())).isEqualTo("acme");
        });
        assertThat(published).extracting(ChangeEvent::getOp).containsOnly(Op.CREATE);
        assertThat(batchesFinished).isEqualTo(1);
    }

    @Test
    void aLargeBatchIsMarkedInOrderAsFarAsKafkaAcknowledged() throws Exception {
        List<RecordChangeEvent<SourceRecord>> first = changes(300, 0);
        publisher.handleBatch(first, committer);
        assertThat(marked).isEmpty(); // nothing acknowledged yet: nothing marked, the call did not wait
        for (int i = 0; i < 100; i++) {
            producer.completeNext();
        }
        publisher.handleBatch(heartbeats(1, 300), committer);
        assertThat(marked).containsExactlyElementsOf(first.subList(0, 100).stream().map(RecordChangeEvent::record).toList());

        producer.errorNext(new TimeoutException("broker gone"));
        assertThatThrownBy(() -> publisher.handleBatch(heartbeats(1, 301), committer))
                .isInstanceOf(CaptureStoppedException.class)
                .hasMessageContaining("Kafka did not acknowledge change 100:0 of public.t")
                .hasMessageContaining("broker gone");
        assertThat(marked).hasSize(100); // the failed record and everything after it stay unmarked
        assertThat(published).hasSize(100);
    }

    @Test
    void deadLettersAreAcknowledgedBeforeTheyAreMarkedAndCounted() throws Exception {
        Schema row = SchemaBuilder.struct().optional().field("id", SchemaBuilder.int32().parameter(ColumnTypes.SOURCE_TYPE, "INT4")
                .build()).build();
        Schema source = SchemaBuilder.struct().field("schema", Schema.STRING_SCHEMA).field("table", Schema.STRING_SCHEMA)
                .field("lsn", Schema.INT64_SCHEMA).field("ts_us", Schema.INT64_SCHEMA).field("txId", Schema.INT64_SCHEMA).build();
        Schema envelope = SchemaBuilder.struct().field("before", row).field("after", row).field("source", source)
                .field("op", Schema.STRING_SCHEMA).build();
        SourceRecord record = new SourceRecord(Map.of(), Map.of(), "app.public.audit", null, null, null, envelope,
                new Struct(envelope).put("op", "c").put("after", new Struct(row).put("id", 1)).put("source", new Struct(source)
                        .put("schema", "public").put("table", "audit").put("lsn", 5L).put("ts_us", 1L).put("txId", 1L)));
        publisher.handleBatch(List.of(() -> record), committer);
        assertThat(producer.history()).singleElement().satisfies(r -> {
            assertThat(r.topic()).isEqualTo(Topics.DEAD_LETTERS);
            assertThat(new String(r.value())).contains("\"after\":{\"id\":1}");
        });
        assertThat(parked).containsExactly(DeadLetterReason.NO_TENANT);
        assertThat(marked).containsExactly(record);
    }

    @Test
    void streamingIsSignalledOnceByTheFirstRecordFromAfterTheInitialSnapshot() throws Exception {
        publisher.handleBatch(heartbeats(2, 0, Map.of(StreamingWatch.SNAPSHOT_OFFSET_KEY, "INITIAL",
                "last_snapshot_record", true)), committer);
        assertThat(streamingSignals).as("records of a running initial snapshot").isZero();

        publisher.handleBatch(heartbeats(2, 2), committer); // Debezium's heartbeat at the end of the snapshot, then streaming
        publisher.handleBatch(heartbeats(1, 4), committer);
        assertThat(streamingSignals).isEqualTo(1);
    }

    /** A row of public.blobs (tenant_id, id, data bytea), or of public.audit (no tenant column) when {@code tenant} is null. */
    private static RecordChangeEvent<SourceRecord> blobRow(String tenant, int id, byte[] data, long lsn) {
        SchemaBuilder rowSchema = SchemaBuilder.struct().optional();
        if (tenant != null) {
            rowSchema.field("tenant_id", SchemaBuilder.string().parameter(ColumnTypes.SOURCE_TYPE, "TEXT").build());
        }
        Schema row = rowSchema.field("id", SchemaBuilder.int32().parameter(ColumnTypes.SOURCE_TYPE, "INT4").build())
                .field("data", SchemaBuilder.bytes().optional().parameter(ColumnTypes.SOURCE_TYPE, "BYTEA").build()).build();
        Schema key = SchemaBuilder.struct().field("id", SchemaBuilder.int32().parameter(ColumnTypes.SOURCE_TYPE, "INT4").build()).build();
        Schema source = SchemaBuilder.struct().field("schema", Schema.STRING_SCHEMA).field("table", Schema.STRING_SCHEMA)
                .field("lsn", Schema.INT64_SCHEMA).field("ts_us", Schema.INT64_SCHEMA).field("txId", Schema.INT64_SCHEMA).build();
        Schema envelope = SchemaBuilder.struct().field("before", row).field("after", row).field("source", source)
                .field("op", Schema.STRING_SCHEMA).build();
        Struct after = new Struct(row).put("id", id).put("data", data);
        if (tenant != null) {
            after.put("tenant_id", tenant);
        }
        String table = tenant != null ? "blobs" : "audit";
        Struct value = new Struct(envelope).put("op", "c").put("after", after).put("source", new Struct(source)
                .put("schema", "public").put("table", table).put("lsn", lsn).put("ts_us", 1L).put("txId", 1L));
        SourceRecord record = new SourceRecord(Map.of(), Map.of("n", lsn), "app.public." + table, null, key,
                new Struct(key).put("id", id), envelope, value);
        return () -> record;
    }

    private static String header(ProducerRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void aChangeOverTheLimitIsParkedByReferenceAndTheNextChangeFollows() throws Exception {
        byte[] large = new byte[LIMIT + 1];
        java.util.Arrays.fill(large, (byte) 0x5a);
        RecordChangeEvent<SourceRecord> big = blobRow("acme", 7, large, 10);
        RecordChangeEvent<SourceRecord> next = blobRow("globex", 8, new byte[] {1, 2, 3}, 11);
        publisher.handleBatch(List.of(big, next), committer);

        assertThat(producer.history()).hasSize(2);
        ProducerRecord<byte[], byte[]> parkedRecord = producer.history().get(0);
        assertThat(parkedRecord.topic()).isEqualTo(Topics.DEAD_LETTERS);
        assertThat(new String(parkedRecord.key())).isEqualTo("acme");
        assertThat(header(parkedRecord, DeadLetterHeaders.REASON)).isEqualTo("VALUE_TOO_LARGE");
        assertThat(header(parkedRecord, DeadLetterHeaders.FORMAT)).isEqualTo(DeadLetterHeaders.FORMAT_BY_REFERENCE);
        assertThat(header(parkedRecord, DeadLetterHeaders.TENANT)).isEqualTo("acme");
        assertThat(header(parkedRecord, DeadLetterHeaders.TABLE)).isEqualTo("public.blobs");
        assertThat(header(parkedRecord, DeadLetterHeaders.KEY)).isEqualTo("id=1:7");
        assertThat(header(parkedRecord, DeadLetterHeaders.LSN)).isEqualTo("10");
        assertThat(header(parkedRecord, DeadLetterHeaders.COLUMN)).isEqualTo("data");
        assertThat(header(parkedRecord, DeadLetterHeaders.COLUMN_BYTES)).isEqualTo(Integer.toString(LIMIT + 1));
        assertThat(Long.parseLong(header(parkedRecord, DeadLetterHeaders.EVENT_BYTES))).isGreaterThan(LIMIT);
        assertThat(header(parkedRecord, DeadLetterHeaders.LIMIT_BYTES)).isEqualTo(Integer.toString(LIMIT));
        assertThat(header(parkedRecord, DeadLetterHeaders.DETAIL)).contains("strata.max.event.bytes=" + LIMIT).contains("column data");
        // by reference: the value is a small description, not the bytes
        assertThat(parkedRecord.value().length).isLessThan(1024);
        assertThat(new String(parkedRecord.value())).contains("\"column\":\"data\"").doesNotContain("ZZZZ");

        assertThat(producer.history().get(1).topic()).isEqualTo(Topics.CHANGES);
        assertThat(published).extracting(ChangeEvent::getTenant).containsExactly("globex");
        assertThat(parked).containsExactly(DeadLetterReason.VALUE_TOO_LARGE);
        assertThat(marked).containsExactly(big.record(), next.record());
    }

    @Test
    void aDeadLetterOverTheLimitIsParkedByReferenceTooNamingItsFirstReason() throws Exception {
        byte[] large = new byte[LIMIT];
        RecordChangeEvent<SourceRecord> noTenant = blobRow(null, 3, large, 20);
        publisher.handleBatch(List.of(noTenant), committer);

        assertThat(producer.history()).singleElement().satisfies(r -> {
            assertThat(r.topic()).isEqualTo(Topics.DEAD_LETTERS);
            assertThat(header(r, DeadLetterHeaders.REASON)).isEqualTo("VALUE_TOO_LARGE");
            assertThat(header(r, DeadLetterHeaders.DETAIL)).startsWith("parked as NO_TENANT, and");
            assertThat(header(r, DeadLetterHeaders.KEY)).isEqualTo("{\"id\":3}");
            assertThat(header(r, DeadLetterHeaders.COLUMN)).isEqualTo("data");
            assertThat(r.value().length).isLessThan(1024);
        });
        assertThat(parked).containsExactly(DeadLetterReason.VALUE_TOO_LARGE);
        assertThat(marked).containsExactly(noTenant.record());
    }

    @Test
    void kafkaRefusingARecordAsTooLargeNamesTheTopicLimitAndTheSettingNotPermissions() throws Exception {
        publisher.handleBatch(changes(300, 0), committer);
        producer.errorNext(new RecordTooLargeException("The request included a message larger than the max message size"));
        assertThatThrownBy(() -> publisher.handleBatch(heartbeats(1, 300), committer))
                .isInstanceOf(CaptureStoppedException.class)
                .hasMessageContaining("to strata.changes")
                .hasMessageContaining("max.message.bytes to at least " + (LIMIT + KafkaSizeLimits.ENVELOPE_BYTES))
                .hasMessageContaining("strata.max.event.bytes=" + LIMIT)
                .hasMessageNotContaining("permission");
        assertThat(marked).isEmpty();
    }
}
