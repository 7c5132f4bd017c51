package dev.strata.schemas.fold;

import static dev.strata.schemas.testing.Changes.col;
import static dev.strata.schemas.testing.Changes.delete;
import static dev.strata.schemas.testing.Changes.event;
import static dev.strata.schemas.testing.Changes.insert;
import static dev.strata.schemas.testing.Changes.key;
import static dev.strata.schemas.testing.Changes.row;
import static dev.strata.schemas.testing.Changes.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.schemas.TenantId;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Op;
import dev.strata.schemas.event.ReleasedSchema;
import dev.strata.schemas.event.ReleasedSchemaStore;
import dev.strata.schemas.fold.definition.DefinitionHistory;
import dev.strata.schemas.fold.select.EventGate;
import dev.strata.schemas.fold.select.KeyInterest;
import dev.strata.schemas.fold.select.TransactionFilter;
import dev.strata.schemas.segment.SegmentWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

/**
 * The fast decoder with a {@link KeyInterest}: a change of a key not wanted reaches the fold never,
 * the interest always (table, new image's shape, order); every other change is decoded exactly as
 * without one, from segments of the current schema and of older ones alike.
 */
class KeySkipDecoderTest {
    private static final String ORDERS = "public.orders";
    private static final Set<Long> WANTED = Set.of(2L, 3L);

    /** Keys 1 to 5 of orders, and the kinds of change that are always decoded. */
    private static List<ChangeEvent> events() {
        List<ChangeEvent> events = new ArrayList<>();
        for (long id = 1; id <= 5; id++) {
            events.add(insert("acme", ORDERS, 10, 100 + id, id, "v1"));
        }
        events.add(update("acme", ORDERS, 11, 200, 3, "v2"));
        events.add(update("acme", ORDERS, 11, 201, 5, "v2"));
        events.add(delete("acme", ORDERS, 12, 300, 4));
        // a wider image of an unwanted key, newest of its table: the table's columns are then these
        events.add(event("acme", ORDERS, Op.UPDATE, 13, 400, 1, key(1), null, List.of(col("id", "bigint", 1L),
                col("name", "text", "v3"), col("note", "text", "added"))));
        // the new key 9 is not wanted but the old key 2 is: decoded for its old image
        events.add(event("acme", ORDERS, Op.UPDATE, 14, 500, 1, key(9), row(2, "v1"), row(9, "moved")));
        events.add(event("acme", "public.log", Op.CREATE, 15, 600, 1, null, null, row(7, "keyless")));
        events.add(update("acme", ORDERS, 99, 700, 1, "after the point"));
        return events;
    }

    /** What the interest heard and the fold got, described alike whatever the catalog numbers. */
    private record Decoded(List<String> folded, List<String> skipped, FastSegmentDecoder.Counts counts) {
    }

    private static Decoded decode(byte[] segment, boolean withInterest) {
        return decode(segment, withInterest, true);
    }

    /** @param shapes whether the interest asks for the shapes of the images it skips */
    private static Decoded decode(byte[] segment, boolean withInterest, boolean shapes) {
        ShapeCatalog catalog = new ShapeCatalog();
        RowDecoder keys = new RowDecoder(catalog);
        List<String> folded = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        KeyInterest interest = new KeyInterest() {
            @Override
            public boolean wants(int tableId, byte[] key, int length) {
                return WANTED.contains((Long) keys.key(Arrays.copyOf(key, length))[0]);
            }

            @Override
            public boolean shapeNeeded(int tableId) {
                return shapes;
            }

            @Override
            public void skipped(int tableId, int shapeId, long lsn, long txOrder) {
                String image = shapeId == SHAPE_NOT_READ ? "not read" : shapeId < 0 ? "no image" : catalog.shape(shapeId).columns().toString();
                skipped.add(catalog.table(tableId) + " " + lsn + "/" + txOrder + " " + image);
            }
        };
        FastSegmentDecoder.Counts counts = new FastSegmentDecoder(TenantId.of("acme"), catalog, 50).decode(segment, "test",
                op -> folded.add(catalog.table(op.tableId()) + " " + op.kind() + " " + op.lsn() + " key "
                        + (op.key() == null ? "-" : Arrays.toString(keys.key(op.key())))),
                withInterest ? interest : null);
        return new Decoded(folded, skipped, counts);
    }

    private static void assertSkipped(byte[] segment) {
        Decoded all = decode(segment, false);
        Decoded some = decode(segment, true);
        assertThat(some.folded()).containsExactly(
                "public.orders UPSERT 102 key [2]",
                "public.orders UPSERT 103 key [3]",
                "public.orders UPSERT 200 key [3]",
                "public.orders DELETE 500 key [2]",
                "public.orders UPSERT 500 key [9]",
                "public.log UPSERT 600 key [7, keyless]");
        assertThat(all.folded()).as("without an interest every change is decoded").hasSize(12).containsAll(some.folded());
        assertThat(some.skipped()).containsExactly(
                "public.orders 101/1 [id, name]",
                "public.orders 104/1 [id, name]",
                "public.orders 105/1 [id, name]",
                "public.orders 201/1 [id, name]",
                "public.orders 300/1 no image",
                "public.orders 400/1 [id, name, note]");
        assertThat(all.skipped()).isEmpty();
        assertThat(some.counts()).as("skipped changes are read and counted, the one after the point too").isEqualTo(all.counts())
                .isEqualTo(new FastSegmentDecoder.Counts(12, 1, 0));
    }

    @Test
    void skipsTheImagesOfKeysNotWantedAndReportsThem() {
        assertSkipped(SegmentWriter.encode(events()).bytes());
    }

    @Test
    void walksOverTheNewImagesUnreadWhenTheirShapeIsNotNeeded() {
        byte[] segment = SegmentWriter.encode(events()).bytes();
        Decoded shapes = decode(segment, true);
        Decoded none = decode(segment, true, false);

        assertThat(none.folded()).isEqualTo(shapes.folded());
        assertThat(none.counts()).isEqualTo(shapes.counts());
        assertThat(none.skipped()).containsExactly(
                "public.orders 101/1 not read",
                "public.orders 104/1 not read",
                "public.orders 105/1 not read",
                "public.orders 201/1 not read",
                "public.orders 300/1 no image",
                "public.orders 400/1 not read");
    }

    @Test
    void aGatedReadHandsOverEachPassedEventsChangesBeforeTheNextIsJudged() {
        byte[] segment = SegmentWriter.encode(List.of(
                insert("acme", ORDERS, 10, 100, 1, "v1"),
                definition(11, 150),
                update("acme", ORDERS, 12, 200, 1, "v2"),
                definition(13, 250),
                delete("acme", ORDERS, 14, 300, 1),
                update("acme", ORDERS, 99, 400, 1, "after the point"))).bytes();
        ShapeCatalog catalog = new ShapeCatalog();
        DefinitionHistory definitions = new DefinitionHistory();
        List<String> seen = new ArrayList<>();
        EventGate fromCommit12 = (op, tableId, commitTs, cutTs, txId, definition) -> {
            seen.add("judged " + op + " " + commitTs);
            return commitTs >= 12;
        };
        FastSegmentDecoder decoder = new FastSegmentDecoder(TenantId.of("acme"), catalog, 50, TransactionFilter.ALL, definitions);
        FastSegmentDecoder.Counts counts = decoder.decode(segment, "test", op -> seen.add(op.kind() + " " + op.lsn()), null, fromCommit12);

        assertThat(seen).containsExactly("judged CREATE 10", "judged DDL 11", "judged UPDATE 12", "UPSERT 200", "judged DDL 13",
                "judged DELETE 14", "DELETE 300");
        assertThat(definitions.of(catalog.tableId(ORDERS))).as("the definition the gate passed, not the one it refused")
                .extracting(DefinitionHistory.Entry::cutMicros).containsExactly(13L);
        assertThat(counts).isEqualTo(new FastSegmentDecoder.Counts(6, 1, 0));
        KeyInterest any = new KeyInterest() {
            @Override
            public boolean wants(int tableId, byte[] key, int length) {
                return true;
            }

            @Override
            public void skipped(int tableId, int shapeId, long lsn, long txOrder) {
            }
        };
        assertThatThrownBy(() -> decoder.decode(segment, "test", op -> { }, any, fromCommit12))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("takes no key interest");
    }

    /** A DDL event of orders: its table definition as capture writes it. */
    private static ChangeEvent definition(long commitTs, long lsn) {
        String json = "{\"format\": \"strata.table-definition\", \"version\": 1, \"tag\": \"ALTER TABLE\", \"table\": \"" + ORDERS
                + "\", \"columns\": [{\"attnum\": 1, \"name\": \"id\", \"type\": \"bigint\", \"notNull\": true, \"default\": null,"
                + " \"identity\": \"\", \"hasMissing\": false, \"missing\": null, \"dropped\": false}], \"primaryKey\": [\"id\"],"
                + " \"constraints\": [], \"indexes\": [], \"sequences\": []}";
        return ChangeEvent.newBuilder().setTenant("acme").setSource("app").setTable(ORDERS).setOp(Op.DDL).setCommitTsMicros(commitTs)
                .setLsn(lsn).setTxId(lsn).setTxOrder(0).setEventId("ddl:" + lsn + ":acme").setTableDefinition(json).build();
    }

    @Test
    void skipsTheSameInASegmentWhoseRowImagesCarryNoByteSizes() throws IOException {
        ByteArrayOutputStream unsized = new ByteArrayOutputStream(); // Avro's own writer: every segment before the sizes
        try (DataFileWriter<ChangeEvent> writer = new DataFileWriter<>(new SpecificDatumWriter<>(ChangeEvent.class))) {
            writer.create(ChangeEvent.getClassSchema(), unsized);
            for (ChangeEvent event : events()) {
                writer.append(event);
            }
        }
        byte[] sized = SegmentWriter.encode(events()).bytes();
        assertSkipped(unsized.toByteArray());
        assertThat(decode(unsized.toByteArray(), true, false)).as("walked over column by column, unread")
                .isEqualTo(decode(sized, true, false));
    }

    @Test
    void skipsTheSameInASegmentOfAnOlderSchema() throws IOException {
        ReleasedSchema v2 = ReleasedSchemaStore.load().versions().get(1);
        ByteArrayOutputStream segment = new ByteArrayOutputStream();
        try (DataFileWriter<GenericRecord> writer = new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(v2.schema()))) {
            writer.create(v2.schema(), segment);
            for (ChangeEvent event : events()) {
                writer.append(asGeneric(event, v2));
            }
        }
        assertThat(FastSegmentDecoder.supports(v2.schema())).isTrue();
        assertSkipped(segment.toByteArray());
    }

    /** The event as a record of the older schema: resolved from the current one (v2 lacks the later trailing fields). */
    private static GenericRecord asGeneric(ChangeEvent event, ReleasedSchema older) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new SpecificDatumWriter<ChangeEvent>(ChangeEvent.class).write(event, encoder);
        encoder.flush();
        return new GenericDatumReader<GenericRecord>(ChangeEvent.getClassSchema(), older.schema())
                .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
    }
}
