package dev.strata.schemas.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.schemas.TestEvents;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.testing.ImagelessReader;
import dev.strata.schemas.avro.Checkpoint;
import dev.strata.schemas.avro.Column;
import dev.strata.schemas.avro.Op;
import dev.strata.schemas.avro.TableCheckpoint;
import dev.strata.schemas.avro.Unsent;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

/**
 * The fast writer against Avro's own single-object encoder and decoder, for every kind of event and value: Avro reads back the
 * same event; the bytes are Avro's, but for the row images' array blocks, which carry their byte size (Avro's negative
 * count, then the size), so that Avro's own skip of them lands on the next field.
 */
class ChangeEventWriterTest {
    private static final BinaryMessageEncoder<ChangeEvent> AVRO = ChangeEvent.getEncoder();
    private static final Object[] VALUES = {null, true, false, 0L, -1L, 63L, 64L, -65L, Long.MAX_VALUE, Long.MIN_VALUE, 0.0, -0.0, 0.25,
        Double.NaN, Double.longBitsToDouble(0x7ff8_0000_0000_0001L), Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MIN_VALUE,
        "", "12.75", "héllo wörld", "\uD83D\uDE00 emoji", "lone \uD800 surrogate", "\u0000nul\u0000", "x".repeat(3000),
        "é".repeat(2000), ByteBuffer.wrap(new byte[0]), ByteBuffer.wrap(new byte[] {0, 1, (byte) 0xff}),
        ByteBuffer.wrap(new byte[5000]), ByteBuffer.wrap(new byte[] {9, 8, 7, 6}, 1, 2).slice(),
        ByteBuffer.allocateDirect(3).put(new byte[] {4, 5, 6}).flip(), ByteBuffer.wrap(new byte[] {1, 2}).asReadOnlyBuffer(),
        Unsent.UNCHANGED};

    private static final ChangeEventCodec CODEC = new ChangeEventCodec();
    /** The current schema without the row images: Avro skips them in the written bytes. */
    private static final GenericDatumReader<GenericRecord> WITHOUT_IMAGES = ImagelessReader.create();
    private final ChangeEventWriter writer = new ChangeEventWriter(header());

    @Test
    void writesTheCurrentSchema() {
        assertThat(ChangeEventWriter.writes(ChangeEvent.getClassSchema()))
                .as("ChangeEvent's schema changed: make ChangeEventWriter write the new fields, then set WRITTEN_FOR to %016x",
                        ReleasedSchemaStore.fingerprint(ChangeEvent.getClassSchema()))
                .isTrue();
    }

    @Test
    void writesWhatAvroReadsForTheUsualEvents() throws Exception {
        List<ChangeEvent> events = new ArrayList<>(TestEvents.randomUpdates("acme", 50, 7));
        events.add(TestEvents.checkpoint("acme", 99, 1_795_000_000_000_001L));
        events.add(TestEvents.heartbeat("initech", 100, 1_795_000_000_000_002L));
        for (ChangeEvent event : events) {
            assertAvroReads(event);
        }
    }

    @Test
    void writesWhatAvroReadsForEveryValueAndOptionalField() throws Exception {
        Random random = new Random(18);
        for (int i = 0; i < 3_000; i++) {
            assertAvroReads(randomEvent(random));
        }
    }

    @Test
    void leavesTheValueBuffersAsTheyWere() {
        ByteBuffer bytes = ByteBuffer.wrap(new byte[] {1, 2, 3});
        bytes.get();
        ChangeEvent event = TestEvents.update("acme", 1, 1);
        event.getAfter().set(0, new Column("blob", "bytea", bytes));
        writer.write(event);
        assertThat(bytes.position()).isEqualTo(1);
    }

    @Test
    void leavesWhatItCannotWriteToAvroWhoseErrorsNameIt() {
        ChangeEvent notInTheUnion = TestEvents.update("acme", 1, 1);
        notInTheUnion.getAfter().set(0, new Column("id", "integer", 7));
        ChangeEvent noSource = TestEvents.update("acme", 2, 2);
        noSource.setSource(null);
        assertThat(writer.write(notInTheUnion)).isNull();
        assertThat(writer.write(noSource)).isNull();
        ChangeEventCodec codec = new ChangeEventCodec();
        assertThatThrownBy(() -> codec.encode(notInTheUnion)).hasMessageContaining("7");
        assertThatThrownBy(() -> codec.encode(noSource)).hasMessageContaining("cannot encode change event 2:2");
        // and the writer is not left half way: the next event comes out whole
        assertReadThrough(codec, TestEvents.update("acme", 3, 3));
    }

    @Test
    void theCodecWritesThroughIt() throws Exception {
        ChangeEventCodec codec = new ChangeEventCodec();
        Random random = new Random(5);
        for (int i = 0; i < 200; i++) {
            assertReadThrough(codec, randomEvent(random));
        }
    }

    @Test
    void aRowImagesBlockCarriesItsByteSizeAndTheKeysDoesNot() throws Exception {
        ChangeEvent update = TestEvents.update("acme", 1, 1);
        update.setBefore(new ArrayList<>(update.getAfter()));
        BinaryDecoder in = DecoderFactory.get().binaryDecoder(writer.write(update), ChangeEventCodec.HEADER_LENGTH,
                Integer.MAX_VALUE / 2, null);
        in.readString(); // tenant
        in.readString(); // source
        in.readString(); // table
        in.readEnum();
        for (int i = 0; i < 4; i++) {
            in.readLong(); // commitTsMicros, lsn, txId, txOrder
        }
        assertThat(in.readIndex()).isEqualTo(1);
        assertThat(in.readLong()).as("the key's block: its count alone").isEqualTo(update.getKey().size());
        skipColumns(in, update.getKey().size());
        assertThat(in.readLong()).isZero();
        for (List<Column> image : List.of(update.getBefore(), update.getAfter())) {
            assertThat(in.readIndex()).isEqualTo(1);
            assertThat(in.readLong()).as("a row image's block: its count negated").isEqualTo(-image.size());
            long size = in.readLong();
            byte[] block = new byte[(int) size];
            in.readFixed(block);
            assertThat(in.readLong()).as("the block's %d bytes are its columns: the array ends after them", size).isZero();
        }
        assertThat(in.readString()).isEqualTo(update.getEventId());
    }

    private static void skipColumns(BinaryDecoder in, long count) throws java.io.IOException {
        for (long i = 0; i < count; i++) {
            in.readString();
            in.readString();
            GenericDatumReader.skip(Column.getClassSchema().getField("value").schema(), in);
        }
    }

    /** Avro reads the event back whole, and also with the row images skipped by their byte sizes, as a reader without them. */
    private void assertAvroReads(ChangeEvent event) throws Exception {
        byte[] written = writer.write(event);
        assertThat(written).as("%s", event).isNotNull();
        assertThat(CODEC.decode(written)).as("%s", event).isEqualTo(CODEC.decode(avro(event))); // lone surrogates and all, as Avro has them
        GenericRecord withoutImages = WITHOUT_IMAGES.read(null, DecoderFactory.get().binaryDecoder(written, ChangeEventCodec.HEADER_LENGTH,
                written.length - ChangeEventCodec.HEADER_LENGTH, null));
        assertThat(String.valueOf(withoutImages.get("eventId"))).as("%s", event).isEqualTo(CODEC.decode(written).getEventId());
        assertThat(withoutImages.get("commitLsn")).as("%s", event).isEqualTo(event.getCommitLsn());
        assertThat(withoutImages.get("cutTsMicros")).as("%s", event).isEqualTo(event.getCutTsMicros());
        ChangeEvent imageless = ChangeEvent.newBuilder(event).setBefore(null).setAfter(null).build();
        assertThat(writer.write(imageless)).as("without its row images, Avro's bytes exactly: %s", event).isEqualTo(avro(imageless));
        if (noRows(event.getBefore()) && noRows(event.getAfter())) {
            assertThat(written).as("no row image, no byte size: Avro's bytes, %s", event).isEqualTo(avro(event));
        }
    }

    private static boolean noRows(List<Column> image) {
        return image == null || image.isEmpty();
    }

    private static void assertReadThrough(ChangeEventCodec codec, ChangeEvent event) {
        try {
            assertThat(CODEC.decode(codec.encode(event))).as("%s", event).isEqualTo(CODEC.decode(avro(event)));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] avro(ChangeEvent event) throws java.io.IOException {
        ByteBuffer buffer = AVRO.encode(event);
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }


    /** The single-object header, as Avro writes it. */
    private static byte[] header() {
        try {
            return java.util.Arrays.copyOf(avro(TestEvents.heartbeat("acme", 1, 1)), ChangeEventCodec.HEADER_LENGTH);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static ChangeEvent randomEvent(Random random) {
        Op op = Op.values()[random.nextInt(Op.values().length)];
        ChangeEvent event = new ChangeEvent("t" + random.nextInt(5), "app-db", random.nextBoolean() ? "public.orders" : "schéma.tåble", op,
                random.nextLong(), random.nextLong(), random.nextInt(3) - 1L, (long) random.nextInt(100_000), columns(random),
                columns(random), columns(random), random.nextLong() + ":" + random.nextInt(), null, null, null, null, null);
        if (random.nextInt(4) == 0) {
            List<TableCheckpoint> tables = new ArrayList<>();
            for (int i = random.nextInt(3); i > 0; i--) {
                tables.add(new TableCheckpoint("public.t" + i, random.nextLong(), Long.toHexString(random.nextLong())));
            }
            event.setCheckpoint(new Checkpoint(random.nextInt(1000) + ":" + random.nextInt(1000) + ":", tables));
        }
        event.setCutTsMicros(random.nextBoolean() ? null : random.nextLong());
        event.setPreviousCommitLsn(random.nextBoolean() ? null : random.nextLong());
        event.setTableDefinition(random.nextBoolean() ? null : "CREATE TABLE é (id bigint)".repeat(1 + random.nextInt(3)));
        event.setCommitLsn(random.nextBoolean() ? null : random.nextLong());
        return event;
    }

    private static List<Column> columns(Random random) {
        int size = random.nextInt(12) - 2;
        if (size < 0) {
            return size == -1 ? null : new ArrayList<>();
        }
        List<Column> columns = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            Object value = VALUES[random.nextInt(VALUES.length)];
            columns.add(new Column("c" + i, i % 2 == 0 ? "text" : "numeric(12,2)",
                    value instanceof ByteBuffer bytes ? bytes.duplicate() : value));
        }
        return columns;
    }
}
