package dev.strata.schemas.fold;

import static dev.strata.schemas.testing.Changes.col;
import static dev.strata.schemas.testing.Changes.delete;
import static dev.strata.schemas.testing.Changes.event;
import static dev.strata.schemas.testing.Changes.insert;
import static dev.strata.schemas.testing.Changes.key;
import static dev.strata.schemas.testing.Changes.row;
import static dev.strata.schemas.testing.Changes.truncate;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.schemas.TenantId;
import dev.strata.schemas.TestEvents;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Column;
import dev.strata.schemas.avro.Op;
import dev.strata.schemas.avro.Unsent;
import dev.strata.schemas.segment.Segment;
import dev.strata.schemas.segment.SegmentWriter;
import dev.strata.schemas.testing.DeflateSegments;
import dev.strata.schemas.event.ReleasedSchema;
import dev.strata.schemas.event.ReleasedSchemaStore;
import dev.strata.schemas.fold.select.KeyInterest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

/** The fast decoder gives exactly the changes EventConverter gives from the same events. */
class FastSegmentDecoderTest {

    private static List<String> viaConverter(List<ChangeEvent> events, long until) {
        ShapeCatalog catalog = new ShapeCatalog();
        EventConverter converter = new EventConverter(catalog, until);
        List<FoldOp> ops = new ArrayList<>();
        events.forEach(e -> converter.convert(e, ops::add));
        return describe(ops, catalog);
    }

    private static List<String> viaFastDecoder(List<ChangeEvent> events, long until, long[] counts) {
        ShapeCatalog catalog = new ShapeCatalog();
        Segment segment = SegmentWriter.encode(events);
        List<FoldOp> ops = new ArrayList<>();
        FastSegmentDecoder.Counts c = new FastSegmentDecoder(TenantId.of("acme"), catalog, until)
                .decode(segment.bytes(), "test", ops::add);
        counts[0] = c.events();
        counts[1] = c.afterUntil();
        return describe(ops, catalog);
    }

    /** Shape ids differ between catalogs: compare the shapes themselves. */
    private static List<String> describe(List<FoldOp> ops, ShapeCatalog catalog) {
        List<String> out = new ArrayList<>();
        HexFormat hex = HexFormat.of();
        for (FoldOp op : ops) {
            // after the header and the 1-byte shape id
            String row = op.version() == null ? "-" : KeyedVersions.deleted(op.version()) ? "deleted"
                    : hex.formatHex(op.version(), KeyedVersions.HEADER + 1, op.version().length);
            out.add(catalog.table(op.tableId()) + " " + op.kind() + " " + op.lsn() + "/" + op.txOrder() + " shape "
                    + (op.shapeId() < 0 ? "-" : catalog.shape(op.shapeId())) + " key " + (op.key() == null ? "-" : hex.formatHex(op.key()))
                    + " row " + row);
        }
        return out;
    }

    @Test
    void decodesEveryKindOfChangeLikeTheConverter() {
        List<ChangeEvent> events = new ArrayList<>(TestEvents.randomUpdates("acme", 200, 9));
        events.add(insert("acme", "public.orders", 10, 5000, 1, "a"));
        events.add(event("acme", "public.orders", Op.UPDATE, 11, 5001, 1, key(7), row(1, "a"), row(7, "moved")));
        events.add(delete("acme", "public.orders", 12, 5002, 7));
        events.add(truncate("acme", "t.notes", 13, 5003));
        events.add(event("acme", "public.log", Op.CREATE, 14, 5004, 1, null, null, row(3, "keyless")));
        events.add(event("acme", "public.log", Op.DELETE, 15, 5005, 1, null, row(3, "keyless"), null));
        events.add(event("acme", "public.zoo", Op.READ, 16, 5006, 0, key(1), null, List.of(col("id", "bigint", 1L),
                col("b", "boolean", false), col("d", "real", Double.NaN), col("s", "text", "ü\t"),
                col("x", "bytea", ByteBuffer.wrap(new byte[] {1, 2})), col("n", "numeric", null))));
        events.add(TestEvents.checkpoint("acme", 5007, 17));
        events.add(TestEvents.heartbeat("acme", 5008, 18));
        long[] counts = new long[2];
        assertThat(viaFastDecoder(events, Long.MAX_VALUE, counts)).isEqualTo(viaConverter(events, Long.MAX_VALUE)).hasSizeGreaterThan(200);
        assertThat(counts[0]).isEqualTo(events.size());
    }

    @Test
    void decodesManyBlocksOfEveryValueLikeTheConverter() {
        Random random = new Random(42);
        Object[] edges = {0L, -1L, 1L, Long.MIN_VALUE, Long.MAX_VALUE, (long) Integer.MIN_VALUE - 1, -0.0, Double.MAX_VALUE,
                true, false, null, "", Unsent.UNCHANGED};
        List<ChangeEvent> events = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            // a few values of up to 200 KB: a block holds whole events, so these make blocks larger than the reader's first buffer
            int length = i % 500 == 0 ? random.nextInt(200_000) : random.nextInt(40);
            byte[] bytes = new byte[length];
            random.nextBytes(bytes);
            Object edge = edges[i % edges.length];
            List<Column> after = List.of(col("id", "bigint", (long) i), col("edge", "text", edge),
                    col("n", "bigint", random.nextLong()), col("bytes", "bytea", ByteBuffer.wrap(bytes)),
                    col("text", "text", "é".repeat(length / 2)));
            Op op = i % 7 == 0 ? Op.UPDATE : Op.CREATE;
            events.add(event("acme", "public.t" + i % 3, op, 10 + i, 10_000 + i, 1, key(i), null, after));
        }
        long[] counts = new long[2];
        assertThat(viaFastDecoder(events, Long.MAX_VALUE, counts)).isEqualTo(viaConverter(events, Long.MAX_VALUE)).hasSize(3_000);
        assertThat(counts[0]).isEqualTo(events.size());
    }

    @Test
    void aTableWhoseColumnsChangeFromChangeToChangeGivesEachChangeItsOwnShapeOnBothPaths() {
        // the decoder expects a table's next change to have its last shape: every way of differing must be seen
        List<List<Column>> images = List.of(
                List.of(col("id", "bigint", 1L), col("a", "text", "x")),
                List.of(col("id", "bigint", 1L), col("a", "text", "x"), col("b", "integer", 2L)), // a column added
                List.of(col("id", "bigint", 1L), col("a", "varchar", "x")), // its type changed
                List.of(col("id", "bigint", 1L), col("c", "text", "x")), // renamed, same length
                List.of(col("id", "bigint", 1L), col("ab", "text", "x")), // renamed, longer
                List.of(col("id", "bigint", 1L))); // dropped
        List<ChangeEvent> events = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            List<Column> after = new ArrayList<>(images.get((i / 4 + i % 3) % images.size())); // runs of one shape, and changes within them
            after.set(0, col("id", "bigint", (long) i % 10));
            List<Column> key = i % 4 == 2 ? List.of(after.get(0), col("k", "text", "x")) : List.of(after.get(0)); // the key's names too
            Op op = i % 5 == 0 ? Op.DELETE : i % 3 == 0 ? Op.UPDATE : Op.CREATE;
            // a DELETE's old image: the whole row, the key columns alone (REPLICA IDENTITY DEFAULT), or none (the key alone)
            List<Column> before = op == Op.CREATE ? null : i % 2 == 0 ? after : op == Op.DELETE && i % 3 == 0 ? List.of(after.get(0)) : null;
            String table = i % 13 == 0 ? "public.other" : i % 17 == 0 ? "public.t" + i % 7 : "public.t"; // more tables than the first guesses
            events.add(event("acme", table, op, 10 + i, 1_000 + i, 1, key, before, op == Op.DELETE ? null : after));
        }
        long[] counts = new long[2];
        assertThat(viaFastDecoder(events, Long.MAX_VALUE, counts)).isEqualTo(viaConverter(events, Long.MAX_VALUE)).hasSizeGreaterThan(100);
    }

    @Test
    void aHeartbeatIsNeverARowOnEitherPath() {
        List<ChangeEvent> events = List.of(insert("acme", "public.orders", 10, 5000, 1, "a"), TestEvents.heartbeat("acme", 11, 5001),
                insert("acme", "public.orders", 12, 5002, 2, "b"), TestEvents.heartbeat("acme", 13, 5003));
        long[] counts = new long[2];
        List<String> fast = viaFastDecoder(events, Long.MAX_VALUE, counts);
        assertThat(fast).hasSize(2).allMatch(op -> op.startsWith("public.orders UPSERT"));
        assertThat(fast).isEqualTo(viaConverter(events, Long.MAX_VALUE));
        assertThat(counts[0]).as("read, counted as events, folded into nothing").isEqualTo(4);
        assertThat(new EventConverter(new ShapeCatalog(), Long.MAX_VALUE).convert(events.get(1), op -> {
            throw new AssertionError("a heartbeat became " + op);
        })).isEqualTo(EventConverter.Outcome.MARKER);
    }

    @Test
    void leavesOutWhatWasCommittedAfterTheRestorePoint() {
        List<ChangeEvent> events = List.of(insert("acme", "public.orders", 10, 100, 1, "a"), insert("acme", "public.orders", 20, 200, 2, "b"));
        long[] counts = new long[2];
        assertThat(viaFastDecoder(events, 10, counts)).isEqualTo(viaConverter(events, 10)).hasSize(1);
        assertThat(counts[1]).isEqualTo(1);
    }

    @Test
    void countsTheSnapshotRowsInTheRestoreWhetherDecodedOrWalkedOverOrReadByAvro() throws IOException {
        List<ChangeEvent> events = List.of(
                event("acme", "public.orders", Op.READ, 10, 50, 0, key(1), null, row(1, "read")),
                insert("acme", "public.orders", 15, 100, 2, "streamed"),
                event("acme", "public.orders", Op.READ, 30, 300, 0, key(3), null, row(3, "read after the point")));
        byte[] segment = SegmentWriter.encode(events).bytes();
        KeyInterest none = new KeyInterest() {
            @Override
            public boolean wants(int tableId, byte[] key, int length) {
                return false;
            }

            @Override
            public void skipped(int tableId, int shapeId, long lsn, long txOrder) {
            }
        };
        for (KeyInterest interest : Arrays.asList(null, none)) {
            FastSegmentDecoder.Counts counts = new FastSegmentDecoder(TenantId.of("acme"), new ShapeCatalog(), 20)
                    .decode(segment, "test", op -> { }, interest);
            assertThat(counts).as(interest == null ? "decoded" : "walked over").isEqualTo(new FastSegmentDecoder.Counts(3, 1, 1));
        }
        // a codec the fast decoder leaves to Avro's reader counts alike
        byte[] other = DeflateSegments.of(events);
        assertThat(new SegmentFold(TenantId.of("acme"), new ShapeCatalog(), 20).read(other, "test", op -> { }))
                .isEqualTo(new FastSegmentDecoder.Counts(3, 1, 1));
    }

    /** X1 commits at 10.005 and comes first in the WAL; X2 commits at 10.003 after it: both have cut time 10.005. */
    private static List<ChangeEvent> inversion() {
        ChangeEvent x1 = insert("acme", "public.orders", 10_005, 100, 1, "x1");
        ChangeEvent x2 = insert("acme", "public.orders", 10_003, 200, 2, "x2");
        x1.setCutTsMicros(10_005L);
        x2.setCutTsMicros(10_005L);
        return List.of(x1, x2);
    }

    @Test
    void cutsByCutTimeNotCommitTimeOnBothPaths() {
        long[] counts = new long[2];
        assertThat(viaFastDecoder(inversion(), 10_004, counts)).isEqualTo(viaConverter(inversion(), 10_004)).isEmpty();
        assertThat(counts[1]).as("X2's commit time is before the restore point, its cut time after").isEqualTo(2);
        assertThat(viaFastDecoder(inversion(), 10_003, counts)).isEqualTo(viaConverter(inversion(), 10_003)).isEmpty();
        assertThat(viaFastDecoder(inversion(), 10_005, counts)).isEqualTo(viaConverter(inversion(), 10_005)).hasSize(2);
    }

    @Test
    void aSegmentWrittenBeforeCutTimesCutsByCommitTimeOnTheFastPath() throws IOException {
        ReleasedSchema v2 = ReleasedSchemaStore.load().versions().get(1);
        assertThat(v2.schema().getField("cutTsMicros")).isNull();
        List<ChangeEvent> events = List.of(insert("acme", "public.orders", 10, 100, 1, "a"), insert("acme", "public.orders", 20, 200, 2, "b"));
        ByteArrayOutputStream segment = new ByteArrayOutputStream();
        try (DataFileWriter<GenericRecord> writer = new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(v2.schema()))) {
            writer.create(v2.schema(), segment);
            for (ChangeEvent event : events) {
                writer.append(asV2(event, v2.schema()));
            }
        }
        List<FoldOp> ops = new ArrayList<>();
        FastSegmentDecoder.Counts counts = new FastSegmentDecoder(TenantId.of("acme"), new ShapeCatalog(), 10)
                .decode(segment.toByteArray(), "v2", ops::add);
        assertThat(counts).as("read on the fast path, not refused").isNotNull();
        assertThat(counts.events()).isEqualTo(2);
        assertThat(counts.afterUntil()).isEqualTo(1);
        assertThat(ops).singleElement().extracting(FoldOp::lsn).isEqualTo(100L);
    }

    private static GenericRecord asV2(ChangeEvent event, Schema v2) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new SpecificDatumWriter<ChangeEvent>(ChangeEvent.class).write(event, encoder);
        encoder.flush();
        return new GenericDatumReader<GenericRecord>(ChangeEvent.getClassSchema(), v2)
                .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
    }
}
