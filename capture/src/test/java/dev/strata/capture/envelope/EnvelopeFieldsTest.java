package dev.strata.capture.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

class EnvelopeFieldsTest {
    private static final Schema SOURCE = SchemaBuilder.struct().field("schema", Schema.STRING_SCHEMA).field("table", Schema.STRING_SCHEMA)
            .field("lsn", Schema.OPTIONAL_INT64_SCHEMA).field("ts_us", Schema.OPTIONAL_INT64_SCHEMA)
            .field("txId", Schema.OPTIONAL_INT64_SCHEMA).field("sequence", Schema.OPTIONAL_STRING_SCHEMA).build();
    private static final Schema TRANSACTION = SchemaBuilder.struct().optional().field("total_order", Schema.INT64_SCHEMA).build();
    private static final Schema ROW = SchemaBuilder.struct().optional().field("id", Schema.INT64_SCHEMA).build();
    private static final Schema ENVELOPE = SchemaBuilder.struct().field("before", ROW).field("after", ROW).field("source", SOURCE)
            .field("op", Schema.STRING_SCHEMA).field("transaction", TRANSACTION).build();

    private final EnvelopeSchemas schemas = new EnvelopeSchemas();

    @Test
    void readsWhatTheNamedGettersRead() {
        Struct value = change("public", "orders", 5L);
        EnvelopeFields fields = schemas.of(ENVELOPE);
        Struct source = fields.source(value);
        assertThat(fields.isChange()).isTrue();
        assertThat(fields.op(value)).isEqualTo(value.getString("op"));
        assertThat(fields.after(value)).isSameAs(value.getStruct("after"));
        assertThat(fields.before(value)).isNull();
        assertThat(fields.table(source)).isEqualTo("public.orders");
        assertThat(fields.lsn(source)).isEqualTo(source.getInt64("lsn"));
        assertThat(fields.commitMicros(source)).isEqualTo(1_700_000_000_000_001L);
        assertThat(fields.txId(source)).isNull();
        assertThat(fields.sequence(source)).isEqualTo("[\"10\",\"20\"]");
        assertThat(fields.txOrder(value)).isEqualTo(5);
        assertThat(fields.txOrder(change("public", "orders", null))).isZero();
        assertThat(schemas.of(ENVELOPE)).as("one per schema").isSameAs(fields);
    }

    @Test
    void aNewTableNameIsJoinedAnew() {
        EnvelopeFields fields = schemas.of(ENVELOPE);
        assertThat(fields.table(fields.source(change("public", "orders", 1L)))).isEqualTo("public.orders");
        assertThat(fields.table(fields.source(change(new String("public"), "items", 1L)))).isEqualTo("public.items");
        assertThat(fields.table(fields.source(change("shop", new String("items"), 1L)))).isEqualTo("shop.items");
        String joined = fields.table(fields.source(change("shop", "items", 1L)));
        assertThat(fields.table(fields.source(change(new String("shop"), new String("items"), 2L)))).as("equal names, new strings")
                .isSameAs(joined);
    }

    @Test
    void aMarkerIsNoChangeAndMissingBlocksReadAsAbsent() {
        Schema marker = SchemaBuilder.struct().field("status", Schema.STRING_SCHEMA).build();
        assertThat(schemas.of(marker).isChange()).isFalse();
        Schema bare = SchemaBuilder.struct().field("source", SchemaBuilder.struct().field("schema", Schema.STRING_SCHEMA)
                .field("table", Schema.STRING_SCHEMA).build()).field("op", Schema.STRING_SCHEMA).build();
        EnvelopeFields fields = schemas.of(bare);
        Struct value = new Struct(bare).put("op", "t")
                .put("source", new Struct(bare.field("source").schema()).put("schema", "s").put("table", "t"));
        assertThat(fields.before(value)).isNull();
        assertThat(fields.lsn(fields.source(value))).isNull();
        assertThat(fields.sequence(fields.source(value))).isNull();
        assertThat(fields.txOrder(value)).isZero();
    }

    @Test
    void aTransactionBlockWithoutItsOrderIsRefusedByName() {
        Schema noOrder = SchemaBuilder.struct().optional().field("id", Schema.STRING_SCHEMA).build();
        Schema envelope = SchemaBuilder.struct().field("source", SOURCE).field("op", Schema.STRING_SCHEMA).field("transaction", noOrder).build();
        Struct value = new Struct(envelope).put("op", "c").put("transaction", new Struct(noOrder).put("id", "1:2"));
        assertThatThrownBy(() -> schemas.of(envelope).txOrder(value)).hasMessageContaining("no total_order");
    }

    private static Struct change(String schema, String table, Long totalOrder) {
        Struct value = new Struct(ENVELOPE).put("op", "c").put("after", new Struct(ROW).put("id", 1L))
                .put("source", new Struct(SOURCE).put("schema", schema).put("table", table).put("lsn", 99L)
                        .put("ts_us", 1_700_000_000_000_001L).put("sequence", "[\"10\",\"20\"]"));
        if (totalOrder != null) {
            value.put("transaction", new Struct(TRANSACTION).put("total_order", totalOrder));
        }
        return value;
    }
}
