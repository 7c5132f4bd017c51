package dev.strata.capture;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.local.LocalPostgres;
import dev.strata.local.LocalStackExtension;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Column;
import dev.strata.schemas.avro.Op;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A known change becomes the envelope Debezium's PostgreSQL connector makes of it, in JSON with and without schemas. */
@ExtendWith(LocalStackExtension.class)
class DebeziumJsonSizeIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long COMMIT_MICROS = 1_795_000_000_123_456L; // 2026-11-18T11:06:40.123456Z

    @Test
    void anUpdateCarriesItsOpRowsSourceAndSchemas(LocalPostgres pg) throws Exception {
        try (DebeziumJsonSize size = DebeziumJsonSize.open(pg, "json_size_update")) {
            ChangeEvent update = event(Op.UPDATE, row("10.50", false), row("12.75", true));

            byte[][] with = DebeziumJsonSize.json(size.record(update), true);
            JsonNode key = JSON.readTree(with[0]);
            JsonNode value = JSON.readTree(with[1]);
            assertThat(key.path("payload").path("id").asLong()).isEqualTo(42);
            assertThat(key.path("schema").path("name").asText()).isEqualTo("strata.public.orders.Key");
            JsonNode payload = value.path("payload");
            assertThat(payload.path("op").asText()).isEqualTo("u");
            assertThat(payload.path("before").path("total").asText()).isEqualTo("10.50");
            assertThat(payload.path("after").path("total").asText()).isEqualTo("12.75");
            assertThat(payload.path("after").path("paid").asBoolean()).isTrue();
            assertThat(payload.path("after").path("note").asText()).isEqualTo("hello");
            assertThat(payload.path("after").path("at").asText()).isEqualTo("2026-11-18T11:06:40.123456Z");
            assertThat(payload.path("after").path("data").asText()).isEqualTo("AAH/"); // bytea as base64
            assertThat(payload.path("source").path("connector").asText()).isEqualTo("postgresql");
            assertThat(payload.path("source").path("table").asText()).isEqualTo("orders");
            assertThat(payload.path("source").path("ts_us").asLong()).isEqualTo(COMMIT_MICROS);
            assertThat(payload.path("transaction").path("total_order").asLong()).isEqualTo(3);
            JsonNode schema = value.path("schema");
            assertThat(schema.path("name").asText()).isEqualTo("strata.public.orders.Envelope");
            assertThat(schema.path("fields").findValuesAsText("field")).contains("before", "after", "source", "op", "ts_ms", "transaction");
            assertThat(schema.toString()).contains("io.debezium.time.ZonedTimestamp");

            byte[][] without = DebeziumJsonSize.json(size.record(update), false);
            JsonNode bare = JSON.readTree(without[1]);
            assertThat(bare.has("schema")).isFalse();
            assertThat(bare.path("op").asText()).isEqualTo("u");
            assertThat(bare.path("after").path("total").asText()).isEqualTo("12.75");
            assertThat(JSON.readTree(without[0]).path("id").asLong()).isEqualTo(42);

            size.add(update);
            assertThat(size.sizes().withSchemas()).isEqualTo(with[0].length + with[1].length);
            assertThat(size.sizes().withoutSchemas()).isEqualTo(without[0].length + without[1].length);
        }
    }

    @Test
    void aDeleteCarriesTheRowBeforeAndNoneAfter(LocalPostgres pg) throws Exception {
        try (DebeziumJsonSize size = DebeziumJsonSize.open(pg, "json_size_delete")) {
            JsonNode value = JSON.readTree(DebeziumJsonSize.json(size.record(event(Op.DELETE, row("10.50", false), null)), false)[1]);
            assertThat(value.path("op").asText()).isEqualTo("d");
            assertThat(value.path("before").path("id").asLong()).isEqualTo(42);
            assertThat(value.path("after").isNull()).isTrue();
        }
    }

    private static ChangeEvent event(Op op, List<Column> before, List<Column> after) {
        return ChangeEvent.newBuilder().setTenant("acme").setSource("strata").setTable("public.orders").setOp(op)
                .setCommitTsMicros(COMMIT_MICROS).setLsn(4000).setTxId(100).setTxOrder(3)
                .setKey(List.of(new Column("id", "bigint", 42L))).setBefore(before).setAfter(after).setEventId("4000:3").build();
    }

    private static List<Column> row(String total, boolean paid) {
        return List.of(new Column("id", "bigint", 42L), new Column("total", "numeric(12,2)", total), new Column("paid", "boolean", paid),
                new Column("note", "text", "hello"), new Column("at", "timestamp with time zone", COMMIT_MICROS),
                new Column("data", "bytea", ByteBuffer.wrap(new byte[] {0, 1, (byte) 0xff})));
    }
}
