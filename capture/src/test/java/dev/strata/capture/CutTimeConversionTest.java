package dev.strata.capture;

import dev.strata.capture.order.CutClock;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.capture.checkpoint.CheckpointMessage;
import dev.strata.capture.heartbeat.HeartbeatMessage;
import dev.strata.capture.heartbeat.KnownTenants;
import dev.strata.capture.pg.ColumnTypes;
import dev.strata.schemas.avro.ChangeEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

/**
 * Capture stamps each transaction with its cut time, the running maximum of the commit times it
 * was delivered in (WAL order): X1 committed at 10.005 and delivered before X2 committed at 10.003
 * gives X2 the cut time 10.005.
 */
class CutTimeConversionTest {
    private static final long T = 1_795_000_010_000_000L;
    private static final Schema SOURCE = SchemaBuilder.struct().field("schema", Schema.OPTIONAL_STRING_SCHEMA)
            .field("table", Schema.OPTIONAL_STRING_SCHEMA).field("lsn", Schema.OPTIONAL_INT64_SCHEMA)
            .field("ts_us", Schema.OPTIONAL_INT64_SCHEMA).field("txId", Schema.OPTIONAL_INT64_SCHEMA).build();
    private static final Schema MESSAGE = SchemaBuilder.struct().optional()
            .field("prefix", Schema.STRING_SCHEMA).field("content", Schema.OPTIONAL_BYTES_SCHEMA).build();
    private static final Schema ROW = SchemaBuilder.struct().optional()
            .field("id", SchemaBuilder.int32().parameter(ColumnTypes.SOURCE_TYPE, "INT4").build())
            .field("tenant_id", SchemaBuilder.string().optional().parameter(ColumnTypes.SOURCE_TYPE, "TEXT").build()).build();
    private static final Schema ENVELOPE = SchemaBuilder.struct().field("op", Schema.STRING_SCHEMA).field("after", ROW)
            .field("before", ROW).field("source", SOURCE).field("message", MESSAGE).build();

    private final ChangeConverter converter = converter(Long.MIN_VALUE);

    private static ChangeConverter converter(long seedMicros) {
        return new ChangeConverter("app", new TenantResolver("tenant_id", (Pattern) null, Map.of()),
                new ColumnTypes(table -> Optional.empty()), new KnownTenants(), new CutClock(seedMicros));
    }

    private static SourceRecord change(String op, String tenant, int id, long lsn, long txId, long commitMicros) {
        return change(op, tenant, id, lsn, txId, commitMicros, null);
    }

    /** @param snapshot the snapshot Debezium's offset names (INITIAL, BLOCKING), null for none (streaming, incremental) */
    private static SourceRecord change(String op, String tenant, int id, long lsn, long txId, long commitMicros, String snapshot) {
        Struct envelope = new Struct(ENVELOPE).put("op", op).put("after", new Struct(ROW).put("id", id).put("tenant_id", tenant))
                .put("source", new Struct(SOURCE).put("schema", "public").put("table", "orders").put("lsn", lsn)
                        .put("ts_us", commitMicros).put("txId", txId));
        Map<String, Object> offset = new HashMap<>(Map.of("lsn", lsn));
        if (snapshot != null) {
            offset.put(StreamingWatch.SNAPSHOT_OFFSET_KEY, snapshot);
        }
        return new SourceRecord(Map.of(), offset, "app.public.orders", null, null, null, ENVELOPE, envelope);
    }

    private static SourceRecord message(String prefix, byte[] content, long lsn, Long txId, Long commitMicros) {
        Struct envelope = new Struct(ENVELOPE).put("op", "m")
                .put("source", new Struct(SOURCE).put("lsn", lsn).put("ts_us", commitMicros).put("txId", txId))
                .put("message", new Struct(MESSAGE).put("prefix", prefix).put("content", ByteBuffer.wrap(content)));
        return new SourceRecord(Map.of(), Map.of("lsn", lsn), "app.message", null, null, null, ENVELOPE, envelope);
    }

    private static long cut(ChangeConverter converter, SourceRecord record) {
        List<ChangeEvent> events = ((ChangeConverter.Publish) converter.convert(record)).events();
        assertThat(events).extracting(ChangeEvent::getCutTsMicros).as("one cut time per transaction").containsOnly(events.get(0).getCutTsMicros());
        return events.get(0).getCutTsMicros();
    }

    @Test
    void aTransactionDeliveredAfterALaterTimedOneTakesItsCutTime() {
        assertThat(cut(converter, change("c", "acme", 1, 100, 10, T + 5_000))).isEqualTo(T + 5_000);
        assertThat(cut(converter, change("c", "acme", 2, 200, 11, T + 3_000))).as("X2, inverted").isEqualTo(T + 5_000);
        assertThat(cut(converter, change("u", "acme", 2, 210, 11, T + 3_000))).as("X2's second change").isEqualTo(T + 5_000);
        assertThat(cut(converter, change("c", "acme", 3, 300, 12, T + 6_000))).isEqualTo(T + 6_000);
    }

    @Test
    void transactionsCaptureDoesNotPublishMoveTheCutToo() {
        assertThat(converter.convert(message(HeartbeatMessage.PREFIX, new byte[0], 150, 20L, T + 9_000)))
                .as("a heartbeat with no tenant to tell: published as nothing, its commit record still counts")
                .isInstanceOf(ChangeConverter.Marker.class);
        assertThat(converter.convert(change("c", null, 2, 170, 21, T + 8_000))).as("no tenant").isInstanceOf(ChangeConverter.DeadLetter.class);
        assertThat(cut(converter, change("c", "acme", 3, 200, 22, T + 1_000))).isEqualTo(T + 9_000);
    }

    @Test
    void theInitialSnapshotsRowsAreCutAtItsFirstRowAndWhatStreamsAfterThemNoEarlier() {
        assertThat(cut(converter, change("r", "acme", 1, 50, 1, T + 7_000, "INITIAL"))).isEqualTo(T + 7_000);
        assertThat(cut(converter, change("r", "acme", 2, 50, 1, T + 9_000, "INITIAL"))).as("read later, as of the same point")
                .isEqualTo(T + 7_000);
        assertThat(cut(converter, change("r", "acme", 3, 50, 1, T + 12_000, "INITIAL"))).isEqualTo(T + 7_000);
        assertThat(cut(converter, change("c", "acme", 4, 100, 10, T + 5_000))).as("committed after the snapshot's point, before its"
                + " first row was read").isEqualTo(T + 7_000);
        assertThat(cut(converter, change("c", "acme", 5, 110, 11, T + 10_000))).as("committed while the snapshot read").isEqualTo(T + 10_000);
    }

    @Test
    void aSnapshotRetriedAtAnotherPointTakesItsOwnTime() {
        assertThat(cut(converter, change("r", "acme", 1, 50, 1, T + 7_000, "INITIAL"))).isEqualTo(T + 7_000);
        // a retry after a failure, at a later consistent point: its rows hold what was committed meanwhile
        assertThat(cut(converter, change("r", "acme", 1, 80, 1, T + 20_000, "INITIAL"))).isEqualTo(T + 20_000);
        assertThat(cut(converter, change("r", "acme", 2, 80, 1, T + 20_000, "INITIAL"))).isEqualTo(T + 20_000);
        assertThat(cut(converter, change("c", "acme", 3, 100, 10, T + 30_000))).isEqualTo(T + 30_000);
    }

    @Test
    void aBlockingSnapshotsRowsKeepTheirOwnTimeAndLeaveTheCutAlone() {
        assertThat(cut(converter, change("c", "acme", 1, 100, 10, T + 5_000))).isEqualTo(T + 5_000);
        // streaming paused at LSN 100: the rows carry it, read later; what was committed meanwhile streams after them
        assertThat(cut(converter, change("r", "acme", 1, 100, 1, T + 9_000, "BLOCKING"))).isEqualTo(T + 9_000);
        assertThat(cut(converter, change("c", "acme", 2, 110, 11, T + 6_000))).as("committed before the snapshot began")
                .isEqualTo(T + 6_000);
    }

    @Test
    void snapshotRowsOfAnIncrementalSnapshotAndCheckpointsAreNoCommitRecords() {
        assertThat(cut(converter, change("r", "acme", 1, 50, 1, T + 7_000))).as("an incremental snapshot's row: its own time")
                .isEqualTo(T + 7_000);
        assertThat(cut(converter, change("c", "acme", 2, 100, 10, T + 2_000))).as("the snapshot row did not move the cut").isEqualTo(T + 2_000);
        byte[] checkpoint = ("{\"snapshot\":\"1:2:\",\"takenAtMicros\":" + (T + 4_000) + ",\"tenants\":{\"acme\":[]}}")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(cut(converter, message(CheckpointMessage.PREFIX, checkpoint, 150, null, null))).as("never before its own time")
                .isEqualTo(T + 4_000);
        assertThat(cut(converter, change("c", "acme", 3, 200, 11, T + 3_000))).as("a checkpoint is no commit record").isEqualTo(T + 3_000);
    }

    @Test
    void afterARestartTheCutStartsFromTheStoredOffsetsCommitTime() {
        assertThat(cut(converter(T + 5_000), change("c", "acme", 2, 200, 11, T + 3_000))).isEqualTo(T + 5_000);
        assertThat(DebeziumOffsets.commitMicros(("{\"lsn\":200,\"txId\":11,\"ts_usec\":" + T + "}").getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(T);
        assertThat(DebeziumOffsets.commitMicros("{\"snapshot\":\"INITIAL\",\"ts_usec\":5}".getBytes(StandardCharsets.UTF_8)))
                .as("a position inside a snapshot").isEqualTo(Long.MIN_VALUE);
        assertThat(DebeziumOffsets.commitMicros(null)).isEqualTo(Long.MIN_VALUE);
        assertThat(DebeziumOffsets.ours("[\"app\",{\"server\":\"app\"}]".getBytes(StandardCharsets.UTF_8), "app")).isTrue();
        assertThat(DebeziumOffsets.ours("[\"other\",{\"server\":\"other\"}]".getBytes(StandardCharsets.UTF_8), "app")).isFalse();
    }
}
