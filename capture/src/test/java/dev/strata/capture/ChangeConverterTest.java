package dev.strata.capture;

import dev.strata.capture.order.CutClock;
import dev.strata.capture.heartbeat.KnownTenants;
import dev.strata.capture.pg.ColumnTypes;
import dev.strata.capture.pg.PgColumnType;
import dev.strata.capture.pg.PgTextConverter;
import dev.strata.capture.pg.TableShape;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Column;
import dev.strata.schemas.avro.Op;
import dev.strata.schemas.avro.Unsent;
import dev.strata.schemas.kafka.DeadLetterReason;
import io.debezium.connector.postgresql.UnchangedToastedReplicationMessageColumn;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

/** Debezium-shaped records in, ChangeEvents and dead letters out: no database, no Kafka. */
class ChangeConverterTest {
    private static final Schema SOURCE = SchemaBuilder.struct()
            .field("schema", Schema.STRING_SCHEMA).field("table", Schema.STRING_SCHEMA)
            .field("lsn", Schema.OPTIONAL_INT64_SCHEMA).field("ts_us", Schema.OPTIONAL_INT64_SCHEMA)
            .field("txId", Schema.OPTIONAL_INT64_SCHEMA).build();
    private static final Schema TRANSACTION = SchemaBuilder.struct().optional()
            .field("id", Schema.STRING_SCHEMA).field("total_order", Schema.INT64_SCHEMA)
            .field("data_collection_order", Schema.INT64_SCHEMA).build();
    private static final Schema ROW = SchemaBuilder.struct().optional()
            .field("id", typed(SchemaBuilder.int32(), "INT4"))
            .field("tenant_id", typed(SchemaBuilder.string().optional(), "TEXT"))
            .field("c_ia", typed(SchemaBuilder.string().name(PgTextConverter.SCHEMA_NAME).optional(), "_INT4"))
            .build();
    private static final Schema KEY = SchemaBuilder.struct().field("id", typed(SchemaBuilder.int32(), "INT4")).build();
    private static final Schema ENVELOPE = SchemaBuilder.struct()
            .field("before", ROW).field("after", ROW).field("source", SOURCE)
            .field("op", Schema.STRING_SCHEMA).field("transaction", TRANSACTION).build();

    private final List<String> described = new ArrayList<>();
    private final ChangeConverter converter = new ChangeConverter("app",
            new TenantResolver("tenant_id", Pattern.compile("tenant_(?<tenant>.+)"), Map.of()),
            new ColumnTypes(table -> {
                described.add(table);
                Map<String, PgColumnType> columns = new LinkedHashMap<>();
                columns.put("id", new PgColumnType("integer", "int4", "int4", 'N'));
                if (!table.startsWith("tenant_")) { // schema-per-tenant tables have no tenant column
                    columns.put("tenant_id", new PgColumnType("text", "text", "text", 'S'));
                }
                columns.put("c_ia", new PgColumnType("integer[]", "_int4", "_int4", PgColumnType.ARRAY));
                return Optional.of(new TableShape(table, columns, 'f', List.of("id")));
            }), new KnownTenants());

    private static Schema typed(SchemaBuilder builder, String type) {
        return builder.parameter(ColumnTypes.SOURCE_TYPE, type).build();
    }

    private static Struct row(int id, String tenant, String array) {
        return new Struct(ROW).put("id", id).put("tenant_id", tenant).put("c_ia", array);
    }

    private static SourceRecord record(String op, String table, Struct before, Struct after, long lsn, Long totalOrder) {
        String[] parts = table.split("\\.");
        Struct envelope = new Struct(ENVELOPE).put("op", op).put("before", before).put("after", after)
                .put("source", new Struct(SOURCE).put("schema", parts[0]).put("table", parts[1]).put("lsn", lsn)
                        .put("ts_us", 1_700_000_000_123_456L).put("txId", 777L));
        if (totalOrder != null) {
            envelope.put("transaction", new Struct(TRANSACTION).put("id", "777:" + lsn).put("total_order", totalOrder)
                    .put("data_collection_order", totalOrder));
        }
        Struct row = after != null ? after : before;
        Struct key = row == null ? null : new Struct(KEY).put("id", row.getInt32("id"));
        return new SourceRecord(Map.of("server", "app"), Map.of("lsn", lsn), "app." + table, null, key == null ? null : KEY, key,
                ENVELOPE, envelope);
    }

    private ChangeEvent published(SourceRecord record) {
        ChangeConverter.Conversion conversion = converter.convert(record);
        assertThat(conversion).isInstanceOf(ChangeConverter.Publish.class);
        return ((ChangeConverter.Publish) conversion).events().get(0);
    }

    @Test
    void aStreamedChangeIsAnExactEventWhoseIdIsLsnAndTxOrder() {
        ChangeEvent event = published(record("u", "public.orders", row(1, "acme", "{1}"), row(1, "acme", "[0:1]={7,8}"), 5000L, 3L));
        assertThat(event.getTenant()).isEqualTo("acme");
        assertThat(event.getSource()).isEqualTo("app");
        assertThat(event.getTable()).isEqualTo("public.orders");
        assertThat(event.getOp()).isEqualTo(Op.UPDATE);
        assertThat(event.getCommitTsMicros()).isEqualTo(1_700_000_000_123_456L);
        assertThat(event.getLsn()).isEqualTo(5000L);
        assertThat(event.getTxId()).isEqualTo(777L);
        assertThat(event.getTxOrder()).isEqualTo(3L);
        assertThat(event.getEventId()).isEqualTo("5000:3");
        assertThat(event.getKey()).containsExactly(new Column("id", "integer", 1L));
        assertThat(event.getBefore()).extracting(Column::getValue).containsExactly(1L, "acme", "{1}");
        assertThat(event.getAfter()).containsExactly(new Column("id", "integer", 1L), new Column("tenant_id", "text", "acme"),
                new Column("c_ia", "integer[]", "[0:1]={7,8}"));
    }

    @Test
    void theSameRecordDeliveredAgainHasTheSameEventId() {
        SourceRecord record = record("c", "public.orders", null, row(2, "acme", null), 6000L, 1L);
        assertThat(published(record).getEventId()).isEqualTo(published(record).getEventId());
    }

    @Test
    void aSnapshotRowIsIdentifiedBySnapshotLsnTableAndKey() {
        ChangeEvent event = published(record("r", "public.orders", null, row(42, "acme", null), 100L, null));
        assertThat(event.getOp()).isEqualTo(Op.READ);
        assertThat(event.getEventId()).isEqualTo("r:100:public.orders:id=2:42");
        assertThat(event.getTxOrder()).isZero();
    }

    @Test
    void aTruncateOfATenantSchemaIsAnEventAndOfASharedTableADeadLetter() {
        ChangeEvent truncate = published(record("t", "tenant_globex.items", null, null, 9000L, 1L));
        assertThat(truncate.getTenant()).isEqualTo("globex");
        assertThat(truncate.getOp()).isEqualTo(Op.TRUNCATE);
        assertThat(truncate.getKey()).isNull();
        assertThat(truncate.getAfter()).isNull();
        assertThat(converter.convert(record("t", "public.orders", null, null, 9001L, 1L)))
                .isInstanceOfSatisfying(ChangeConverter.DeadLetter.class, d -> {
                    assertThat(d.reason()).isEqualTo(DeadLetterReason.NO_TENANT);
                    assertThat(d.detail()).contains("TRUNCATE");
                    assertThat(d.lsn()).isEqualTo(9001L);
                    assertThat(d.op()).isEqualTo("TRUNCATE");
                });
    }

    @Test
    void anUnrepresentableValueDeadLettersTheChangeNamingTheColumn() {
        String lost = PgTextConverter.convert(java.time.OffsetTime.parse("08:00Z"), "array");
        assertThat(converter.convert(record("c", "public.orders", null, row(3, "acme", lost), 7000L, 1L)))
                .isInstanceOfSatisfying(ChangeConverter.DeadLetter.class, d -> {
                    assertThat(d.reason()).isEqualTo(DeadLetterReason.UNREPRESENTABLE_VALUE);
                    assertThat(d.detail()).startsWith("column c_ia (integer[]) of public.orders:");
                    assertThat(d.tenant()).isEqualTo("acme");
                    assertThat(d.table()).isEqualTo("public.orders");
                });
    }

    @Test
    void anUnchangedToastValueIsPublishedAsUnsentNeverParked() {
        // what PgTextConverter makes of Debezium's marker, as Debezium's placeholder is for text, jsonb, bytea
        String unsent = PgTextConverter.convert(UnchangedToastedReplicationMessageColumn.UNCHANGED_INT_ARRAY_TOAST_VALUE, "array");
        assertThat(unsent).isEqualTo(DebeziumSettings.UNAVAILABLE_PLACEHOLDER);
        ChangeEvent event = published(record("u", "public.orders", null, row(4, "acme", unsent), 7100L, 1L));
        assertThat(event.getOp()).isEqualTo(Op.UPDATE);
        assertThat(event.getAfter()).containsExactly(new Column("id", "integer", 4L), new Column("tenant_id", "text", "acme"),
                new Column("c_ia", "integer[]", Unsent.UNCHANGED));
        assertThat(event.getBefore()).isNull();
    }

    @Test
    void anUnsentValueOutsideTheNewRowOfAnUpdateIsADeadLetterNamingTheColumn() {
        assertThat(converter.convert(record("c", "public.orders", null, row(5, "acme", DebeziumSettings.UNAVAILABLE_PLACEHOLDER),
                7200L, 1L))).isInstanceOfSatisfying(ChangeConverter.DeadLetter.class, d -> {
                    assertThat(d.reason()).isEqualTo(DeadLetterReason.UNREPRESENTABLE_VALUE);
                    assertThat(d.detail()).startsWith("column c_ia (integer[]) of public.orders: an unchanged TOAST value");
                });
    }

    @Test
    void anUpdateThatMovesARowToAnotherTenantLeavesTheOldTenantAndEntersTheNew() {
        ChangeConverter.Conversion conversion = converter.convert(record("u", "public.orders", row(8, "acme", null),
                row(8, "initech", null), 8000L, 2L));
        assertThat(conversion).isInstanceOfSatisfying(ChangeConverter.Publish.class, p -> {
            assertThat(p.events()).extracting(ChangeEvent::getTenant, ChangeEvent::getOp, ChangeEvent::getEventId)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("acme", Op.DELETE, "8000:2"),
                            org.assertj.core.groups.Tuple.tuple("initech", Op.CREATE, "8000:2"));
            assertThat(p.events().get(0).getAfter()).isNull();
            assertThat(p.events().get(0).getBefore()).extracting(Column::getValue).contains("acme");
            assertThat(p.events().get(1).getBefore()).isNull();
            assertThat(p.events().get(1).getAfter()).extracting(Column::getValue).contains("initech");
        });
    }

    @Test
    void anOldRowHoldsOnlyWhatPostgresSentForItsReplicaIdentity() {
        Map<String, PgColumnType> columns = new LinkedHashMap<>();
        columns.put("id", new PgColumnType("integer", "int4", "int4", 'N'));
        columns.put("tenant_id", new PgColumnType("text", "text", "text", 'S'));
        columns.put("c_ia", new PgColumnType("integer[]", "_int4", "_int4", PgColumnType.ARRAY));
        ChangeConverter byKey = new ChangeConverter("app", new TenantResolver("tenant_id", null, Map.of()),
                new ColumnTypes(table -> Optional.of(new TableShape(table, columns, 'd', List.of("tenant_id", "id")))), new KnownTenants());
        ChangeConverter.Conversion delete = byKey.convert(record("d", "public.orders", row(9, "acme", null), null, 9100L, 1L));
        assertThat(delete).isInstanceOfSatisfying(ChangeConverter.Publish.class, p ->
                assertThat(p.events().get(0).getBefore()).extracting(Column::getName).containsExactly("id", "tenant_id"));

        ChangeConverter idOnly = new ChangeConverter("app", new TenantResolver("tenant_id", null, Map.of()),
                new ColumnTypes(table -> Optional.of(new TableShape(table, columns, 'd', List.of("id")))), new KnownTenants());
        // Debezium fills tenant_id with NULL here: it was not sent, so the tenant is unknown, not NULL
        assertThat(idOnly.convert(record("d", "public.orders", row(9, null, null), null, 9200L, 1L)))
                .isInstanceOfSatisfying(ChangeConverter.DeadLetter.class, d -> {
                    assertThat(d.reason()).isEqualTo(DeadLetterReason.NO_TENANT);
                    assertThat(d.detail()).contains("REPLICA IDENTITY FULL");
                });
    }

    @Test
    void aBadTenantIdIsADeadLetter() {
        assertThat(converter.convert(record("c", "public.orders", null, row(4, "no tenant", null), 7100L, 1L)))
                .isInstanceOfSatisfying(ChangeConverter.DeadLetter.class,
                        d -> assertThat(d.reason()).isEqualTo(DeadLetterReason.BAD_TENANT_ID));
    }

    @Test
    void heartbeatsAndTransactionMarkersAreNotData() {
        Schema heartbeat = SchemaBuilder.struct().field("ts_ms", Schema.INT64_SCHEMA).build();
        SourceRecord beat = new SourceRecord(Map.of(), Map.of(), "__debezium-heartbeat.app", heartbeat,
                new Struct(heartbeat).put("ts_ms", 1234L));
        assertThat(converter.convert(beat)).isEqualTo(new ChangeConverter.Heartbeat(1234L));
        Schema marker = SchemaBuilder.struct().field("status", Schema.STRING_SCHEMA).field("id", Schema.STRING_SCHEMA).build();
        SourceRecord end = new SourceRecord(Map.of(), Map.of(), "app.transaction", marker,
                new Struct(marker).put("status", "END").put("id", "777:5000"));
        assertThat(converter.convert(end)).isInstanceOf(ChangeConverter.Marker.class);
    }

    @Test
    void theCatalogIsReadAgainOnlyWhenTheRowSchemaChanges() {
        published(record("c", "public.orders", null, row(5, "acme", null), 1L, 1L));
        published(record("c", "public.orders", null, row(6, "acme", null), 2L, 1L));
        assertThat(described).containsExactly("public.orders");
        Schema widened = SchemaBuilder.struct().optional()
                .field("id", typed(SchemaBuilder.int32(), "INT4"))
                .field("tenant_id", typed(SchemaBuilder.string().optional(), "TEXT"))
                .field("email", typed(SchemaBuilder.string().optional(), "VARCHAR").schema())
                .build();
        Schema envelope = SchemaBuilder.struct().field("before", widened).field("after", widened).field("source", SOURCE)
                .field("op", Schema.STRING_SCHEMA).field("transaction", TRANSACTION).build();
        Struct after = new Struct(widened).put("id", 7).put("tenant_id", "acme").put("email", "a@b");
        SourceRecord record = new SourceRecord(Map.of(), Map.of(), "app.public.orders", null, null, null, envelope,
                new Struct(envelope).put("op", "c").put("after", after).put("source", new Struct(SOURCE).put("schema", "public")
                        .put("table", "orders").put("lsn", 3L).put("ts_us", 1L).put("txId", 1L)));
        ChangeEvent event = published(record);
        assertThat(described).containsExactly("public.orders", "public.orders");
        // the catalog (a fake here) does not know the new column: Debezium's type stands in
        assertThat(event.getAfter().get(2)).isEqualTo(new Column("email", "varchar", "a@b"));
    }

    @Test
    void aRowOfTheSignalTableIsNoDataAndNoDeadLetter() {
        ChangeConverter withSignal = new ChangeConverter("app", new TenantResolver("tenant_id", (Pattern) null, Map.of()),
                new ColumnTypes(table -> Optional.empty()), new KnownTenants(), new CutClock(Long.MIN_VALUE), "public.signal");
        assertThat(withSignal.convert(record("c", "public.signal", null, row(1, null, null), 100L, 1L)))
                .isInstanceOf(ChangeConverter.Marker.class);
    }

    @Test
    void aRowOfAnIncrementalSnapshotTakesItsLsnAndTimeFromTheOffsetWhereTheSourceHasNone() {
        SourceRecord streamed = record("r", "public.orders", null, row(4, "acme", null), 0L, null);
        Struct value = (Struct) streamed.value();
        value.getStruct("source").put("lsn", null).put("ts_us", null).put("txId", null);
        SourceRecord incremental = new SourceRecord(streamed.sourcePartition(), Map.of("lsn", 9000L, "ts_usec", 1_700_000_001_000_000L),
                streamed.topic(), null, streamed.keySchema(), streamed.key(), streamed.valueSchema(), value);
        ChangeEvent event = published(incremental);
        assertThat(event.getOp()).isEqualTo(Op.READ);
        assertThat(event.getLsn()).isEqualTo(9000L);
        assertThat(event.getCommitTsMicros()).isEqualTo(1_700_000_001_000_000L);
        assertThat(event.getEventId()).startsWith("r:9000:public.orders:");
    }
}
