package dev.strata.capture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.capture.heartbeat.HeartbeatMessage;
import dev.strata.capture.heartbeat.KnownTenants;
import dev.strata.capture.pg.ColumnTypes;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Op;
import dev.strata.schemas.event.ChangeEventCodec;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

/** A heartbeat message as Debezium delivers it becomes one HEARTBEAT event per tenant capture knows. */
class HeartbeatConversionTest {
    private static final long COMMIT = 1_795_000_000_123_456L;
    private static final Schema SOURCE = SchemaBuilder.struct()
            .field("lsn", Schema.OPTIONAL_INT64_SCHEMA).field("ts_us", Schema.OPTIONAL_INT64_SCHEMA)
            .field("txId", Schema.OPTIONAL_INT64_SCHEMA).build();
    private static final Schema MESSAGE = SchemaBuilder.struct()
            .field("prefix", Schema.STRING_SCHEMA).field("content", Schema.OPTIONAL_BYTES_SCHEMA).build();
    private static final Schema ENVELOPE = SchemaBuilder.struct()
            .field("op", Schema.STRING_SCHEMA).field("source", SOURCE).field("message", MESSAGE).build();
    private static final Schema ROW = SchemaBuilder.struct().optional()
            .field("id", SchemaBuilder.int32().parameter(ColumnTypes.SOURCE_TYPE, "INT4").build())
            .field("tenant_id", SchemaBuilder.string().optional().parameter(ColumnTypes.SOURCE_TYPE, "TEXT").build()).build();
    private static final Schema CHANGE = SchemaBuilder.struct()
            .field("op", Schema.STRING_SCHEMA).field("after", ROW).field("before", ROW)
            .field("source", SchemaBuilder.struct().field("schema", Schema.STRING_SCHEMA).field("table", Schema.STRING_SCHEMA)
                    .field("lsn", Schema.INT64_SCHEMA).field("ts_us", Schema.INT64_SCHEMA).field("txId", Schema.INT64_SCHEMA).build())
            .build();

    private final KnownTenants known = new KnownTenants();
    private final ChangeConverter converter = new ChangeConverter("app", new TenantResolver("tenant_id", (Pattern) null, Map.of()),
            new ColumnTypes(table -> Optional.empty()), known);

    private static SourceRecord message(String prefix, long lsn, Long commitMicros) {
        Struct envelope = new Struct(ENVELOPE).put("op", "m")
                .put("source", new Struct(SOURCE).put("lsn", lsn).put("ts_us", commitMicros).put("txId", 901L))
                .put("message", new Struct(MESSAGE).put("prefix", prefix).put("content", ByteBuffer.wrap(new byte[0])));
        return new SourceRecord(Map.of(), Map.of("lsn", lsn), "app.message", null, null, null, ENVELOPE, envelope);
    }

    private static SourceRecord insert(String tenant, int id, long lsn) {
        Struct source = new Struct(CHANGE.field("source").schema()).put("schema", "public").put("table", "orders")
                .put("lsn", lsn).put("ts_us", COMMIT - 1_000).put("txId", 900L);
        Struct envelope = new Struct(CHANGE).put("op", "c").put("after", new Struct(ROW).put("id", id).put("tenant_id", tenant))
                .put("source", source);
        return new SourceRecord(Map.of(), Map.of("lsn", lsn), "app.public.orders", null, null, null, CHANGE, envelope);
    }

    @Test
    void aHeartbeatBeforeAnyKnownTenantPublishesNothing() {
        assertThat(converter.convert(message(HeartbeatMessage.PREFIX, 5_000, COMMIT))).isInstanceOf(ChangeConverter.Marker.class);
    }

    @Test
    void aHeartbeatBecomesOneEventPerTenantThatChangedWithTheMessagesCommitTimeAndLsn() {
        assertThat(List.of(insert("globex", 1, 4_000), insert("acme", 2, 4_100), insert("acme", 3, 4_200)))
                .allSatisfy(change -> assertThat(converter.convert(change)).isInstanceOf(ChangeConverter.Publish.class));

        ChangeConverter.Conversion conversion = converter.convert(message(HeartbeatMessage.PREFIX, 5_000, COMMIT));

        assertThat(conversion).isInstanceOf(ChangeConverter.Publish.class);
        List<ChangeEvent> events = ((ChangeConverter.Publish) conversion).events();
        assertThat(events).extracting(ChangeEvent::getTenant).containsExactly("acme", "globex");
        for (ChangeEvent event : events) {
            assertThat(event.getOp()).isEqualTo(Op.HEARTBEAT);
            assertThat(event.getCommitTsMicros()).as("the message's commit time").isEqualTo(COMMIT);
            assertThat(event.getLsn()).isEqualTo(5_000);
            assertThat(event.getTxId()).isEqualTo(901);
            assertThat(event.getEventId()).isEqualTo("hb:5000:" + event.getTenant());
            assertThat(event.getTable()).isEqualTo(HeartbeatMessage.TABLE);
            assertThat(event.getKey()).isNull();
            assertThat(event.getAfter()).isNull();
            assertThat(new ChangeEventCodec().decode(new ChangeEventCodec().encode(event))).isEqualTo(event);
        }
        assertThat(((ChangeConverter.Publish) converter.convert(message(HeartbeatMessage.PREFIX, 5_000, COMMIT))).events())
                .as("delivered again after a crash: the same events, the same ids").isEqualTo(events);
    }

    @Test
    void aHeartbeatWithoutACommitTimeProvesNothingAndAnotherPrefixIsNoData() {
        converter.convert(insert("acme", 1, 4_000));
        assertThat(converter.convert(message(HeartbeatMessage.PREFIX, 5_000, null))).isInstanceOf(ChangeConverter.Marker.class);
        assertThat(converter.convert(message("app.audit", 5_100, COMMIT))).isInstanceOf(ChangeConverter.Marker.class);
    }
}
