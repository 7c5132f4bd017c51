package dev.strata.schemas.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.schemas.TestEvents;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.fold.FastSegmentDecoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.apache.avro.AvroTypeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.util.RandomData;
import org.junit.jupiter.api.Test;

/** The compatibility promise: whatever was released stays readable. */
class ReleasedSchemaStoreTest {

    private final ReleasedSchemaStore released = ReleasedSchemaStore.load();

    @Test
    void theCurrentSchemaIsReleased() {
        long current = ReleasedSchemaStore.fingerprint(ChangeEvent.getClassSchema());
        assertThat(released.find(current))
                .as("ChangeEvent.avsc changed: copy it to src/main/resources%sChangeEvent-v%d.avsc",
                        ReleasedSchemaStore.RESOURCE_DIRECTORY, released.versions().size() + 1)
                .isPresent();
    }

    @Test
    void versionsAreNumberedFromOneWithoutGaps() {
        List<ReleasedSchema> versions = released.versions();
        assertThat(versions).isNotEmpty();
        for (int i = 0; i < versions.size(); i++) {
            assertThat(versions.get(i).version()).isEqualTo(i + 1);
        }
    }

    @Test
    void theCurrentSchemaCanReadEveryReleasedVersion() {
        for (ReleasedSchema writer : released.versions()) {
            assertThat(SchemaCompatibility.checkReaderWriterCompatibility(ChangeEvent.getClassSchema(), writer.schema()).getType())
                    .as("reading v%d", writer.version())
                    .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
        }
    }

    @Test
    void theCodecDecodesRandomEventsOfEveryReleasedVersion() throws IOException {
        ChangeEventCodec codec = new ChangeEventCodec(released);
        for (ReleasedSchema writer : released.versions()) {
            int n = 0;
            for (Object datum : new RandomData(writer.schema(), 200, 42L + writer.version())) {
                byte[] bytes = singleObject(writer, (GenericRecord) datum);
                ChangeEvent event = codec.decode(bytes);
                assertThat(event.getEventId()).isEqualTo(((GenericRecord) datum).get("eventId").toString());
                n++;
            }
            assertThat(n).isEqualTo(200);
        }
    }

    @Test
    void aStoreWithAnOlderVersionResolvesItToTheCurrentSchema() throws IOException {
        // v0 never shipped; it stands for "a release before checkpoint existed"
        Schema v0 = withoutField(ChangeEvent.getClassSchema(), "checkpoint");
        ReleasedSchema old = new ReleasedSchema(1, v0, ReleasedSchemaStore.fingerprint(v0));
        ChangeEventCodec codec = new ChangeEventCodec(ReleasedSchemaStore.of(List.of(old)));
        GenericRecord datum = (GenericRecord) new RandomData(v0, 1, 7L).iterator().next();
        ChangeEvent event = codec.decode(singleObject(old, datum));
        assertThat(event.getCheckpoint()).isNull();
        assertThat(event.getTenant()).isEqualTo(datum.get("tenant").toString());
    }

    @Test
    void aReaderOlderThanV3FailsOnAHeartbeatInsteadOfGuessing() throws IOException {
        ReleasedSchema v2 = released.versions().get(1);
        ReleasedSchema v3 = released.versions().get(2);
        ChangeEvent heartbeat = TestEvents.heartbeat("acme", 42, 1_795_000_000_000_000L);
        byte[] bytes = new ChangeEventCodec(released).encode(heartbeat);
        // a v2 build knows the v3 fingerprint only if it shipped it: it did not, so it names the unknown schema
        assertThatThrownBy(() -> new ChangeEventCodec(ReleasedSchemaStore.of(List.of(released.versions().get(0), v2))).decode(bytes))
                .isInstanceOf(UndecodableEventException.class);
        // and handed v3 as writer schema, v2's enum has no HEARTBEAT and no default: the datum is refused, never mapped
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, 10, bytes.length - 10, null);
        assertThatThrownBy(() -> new GenericDatumReader<GenericRecord>(v3.schema(), v2.schema()).read(null, decoder))
                .isInstanceOf(AvroTypeException.class).hasMessageContaining("HEARTBEAT");
        // an event v2 could express is read by v2 from v3 bytes
        byte[] change = new ChangeEventCodec(released).encode(TestEvents.update("acme", 43, 1_795_000_000_000_001L));
        GenericRecord read = new GenericDatumReader<GenericRecord>(v3.schema(), v2.schema())
                .read(null, DecoderFactory.get().binaryDecoder(change, 10, change.length - 10, null));
        assertThat(read.get("op").toString()).isEqualTo("UPDATE");
        assertThat(FastSegmentDecoder.supports(v2.schema())).as("v2 segments keep the fast path").isTrue();
    }

    static byte[] singleObject(ReleasedSchema writer, GenericRecord datum) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0xC3, 0x01});
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(writer.fingerprint()).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(writer.schema(), GenericData.get()).write(datum, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    static Schema withoutField(Schema record, String field) {
        List<Schema.Field> fields = record.getFields().stream()
                .filter(f -> !f.name().equals(field))
                .map(f -> new Schema.Field(f, f.schema()))
                .toList();
        return Schema.createRecord(record.getName(), record.getDoc(), record.getNamespace(), false, fields);
    }
}
