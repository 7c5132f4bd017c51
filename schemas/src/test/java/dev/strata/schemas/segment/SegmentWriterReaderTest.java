package dev.strata.schemas.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.schemas.Sha256;
import dev.strata.schemas.TestEvents;
import dev.strata.schemas.avro.ChangeEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.RandomData;
import org.junit.jupiter.api.Test;

class SegmentWriterReaderTest {

    @Test
    void roundTripsEventsAndSummarisesThem() {
        List<ChangeEvent> events = new ArrayList<>(TestEvents.randomUpdates("acme", 5_000, 1));
        events.add(TestEvents.checkpoint("acme", 1, events.get(0).getCommitTsMicros() - 5));
        Segment segment = SegmentWriter.encode(events);

        assertThat(SegmentReader.readAll(segment.bytes(), segment.summary().sha256(), "test")).isEqualTo(events);
        SegmentSummary summary = segment.summary();
        assertThat(summary.eventCount()).isEqualTo(events.size());
        assertThat(summary.sizeBytes()).isEqualTo(segment.bytes().length);
        assertThat(summary.sha256()).isEqualTo(Sha256.of(segment.bytes()));
        assertThat(summary.minCommitMicros()).isEqualTo(events.stream().mapToLong(ChangeEvent::getCommitTsMicros).min().orElseThrow());
        assertThat(summary.maxCommitMicros()).isEqualTo(events.stream().mapToLong(ChangeEvent::getCommitTsMicros).max().orElseThrow());
    }

    @Test
    void isAZstdContainerFileThatCarriesItsWriterSchema() throws IOException {
        Segment segment = SegmentWriter.encode(TestEvents.randomUpdates("acme", 100, 2));
        try (DataFileStream<GenericRecord> plain = new DataFileStream<>(
                new ByteArrayInputStream(segment.bytes()), new GenericDatumReader<>())) {
            assertThat(plain.getMetaString("avro.codec")).isEqualTo("zstandard");
            assertThat(plain.getSchema()).isEqualTo(ChangeEvent.getClassSchema());
        }
        try (SegmentReader reader = SegmentReader.open(segment.bytes(), segment.summary().sha256(), "test")) {
            assertThat(reader.writerSchema()).isEqualTo(ChangeEvent.getClassSchema());
        }
    }

    @Test
    void theSameEventsGiveTheSameBytes() {
        List<ChangeEvent> events = TestEvents.randomUpdates("acme", 3_000, 3);
        Segment first = SegmentWriter.encode(events);
        Segment retry = SegmentWriter.encode(TestEvents.randomUpdates("acme", 3_000, 3));
        assertThat(retry.bytes()).isEqualTo(first.bytes());
        assertThat(retry.summary()).isEqualTo(first.summary());
        Segment other = SegmentWriter.encode(TestEvents.randomUpdates("acme", 3_000, 4));
        assertThat(other.summary().sha256()).isNotEqualTo(first.summary().sha256());
    }

    @Test
    void streamsToAnOutputStreamWithTheSameBytes() {
        List<ChangeEvent> events = TestEvents.randomUpdates("acme", 500, 5);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SegmentSummary summary;
        try (SegmentWriter writer = new SegmentWriter(out)) {
            events.forEach(writer::append);
            assertThat(writer.eventCount()).isEqualTo(500);
            summary = writer.finish();
        }
        assertThat(out.toByteArray()).isEqualTo(SegmentWriter.encode(events).bytes());
        assertThat(summary.sizeBytes()).isEqualTo(out.size());
    }

    @Test
    void readsSegmentsWrittenWithAnOlderWriterSchema() throws IOException {
        Schema v0 = withoutCheckpoint(ChangeEvent.getClassSchema());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<String> ids = new ArrayList<>();
        try (DataFileWriter<Object> writer = new DataFileWriter<>(new GenericDatumWriter<>(v0, GenericData.get()))) {
            writer.create(v0, out);
            for (Object datum : new RandomData(v0, 50, 9L)) {
                writer.append(datum);
                ids.add(((GenericRecord) datum).get("eventId").toString());
            }
        }
        List<ChangeEvent> read = SegmentReader.readAll(out.toByteArray(), Sha256.of(out.toByteArray()), "old-segment");
        assertThat(read).extracting(ChangeEvent::getEventId).isEqualTo(ids);
        assertThat(read).allSatisfy(e -> assertThat(e.getCheckpoint()).isNull());
    }

    @Test
    void garbageIsReportedAsUnreadable() {
        byte[] garbage = "not avro".getBytes();
        assertThatThrownBy(() -> SegmentReader.readAll(garbage, Sha256.of(garbage), "strata/v1/x.seg"))
                .isInstanceOf(UnreadableSegmentException.class)
                .hasMessageContaining("segment strata/v1/x.seg is not an Avro object container file");
    }

    /** Avro itself reads a truncated container file as a shorter one, without error: the checksum is what catches it. */
    @Test
    void truncatedSegmentsAreCaughtByTheirChecksumInMemoryAndStreaming() {
        Segment segment = SegmentWriter.encode(TestEvents.randomUpdates("acme", 2000, 6));
        byte[] bytes = segment.bytes();
        Sha256 expected = segment.summary().sha256();
        for (int cut : new int[] {bytes.length / 2, bytes.length - 1, bytes.length - 17}) {
            byte[] truncated = Arrays.copyOf(bytes, cut);
            assertThatThrownBy(() -> SegmentReader.readAll(truncated, expected, "cut.seg"))
                    .isInstanceOf(UnreadableSegmentException.class)
                    .hasMessageContaining("segment cut.seg has SHA-256")
                    .hasMessageContaining("truncated or altered");
            assertThatThrownBy(() -> {
                try (SegmentReader reader = SegmentReader.open(new ByteArrayInputStream(truncated), expected, "cut.seg")) {
                    reader.forEachRemaining(e -> { });
                }
            }).isInstanceOf(UnreadableSegmentException.class).hasMessageContaining("truncated or altered");
        }
        try (SegmentReader reader = SegmentReader.open(new ByteArrayInputStream(bytes), expected, "whole.seg")) {
            int n = 0;
            while (reader.hasNext()) {
                reader.next();
                n++;
            }
            assertThat(n).isEqualTo(2000);
        }
    }

    @Test
    void refusesEmptySegmentsAndAppendsAfterFinish() {
        try (SegmentWriter writer = new SegmentWriter(new ByteArrayOutputStream())) {
            assertThatThrownBy(writer::finish).isInstanceOf(IllegalStateException.class).hasMessageContaining("at least one event");
            writer.append(TestEvents.update("acme", 1, 1));
            writer.finish();
            assertThatThrownBy(() -> writer.append(TestEvents.update("acme", 2, 2)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("already finished");
        }
    }

    private static Schema withoutCheckpoint(Schema record) {
        List<Schema.Field> fields = record.getFields().stream()
                .filter(f -> !f.name().equals("checkpoint"))
                .map(f -> new Schema.Field(f, f.schema()))
                .toList();
        return Schema.createRecord(record.getName(), record.getDoc(), record.getNamespace(), false, fields);
    }
}
