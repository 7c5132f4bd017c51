package dev.strata.schemas.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.schemas.TestEvents;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.event.UndecodableEventException.Reason;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.avro.message.BinaryMessageDecoder;
import org.junit.jupiter.api.Test;

class ChangeEventCodecTest {

    private final ChangeEventCodec codec = new ChangeEventCodec();

    @Test
    void roundTripsAnUpdateAndACheckpoint() {
        for (ChangeEvent event : new ChangeEvent[] {TestEvents.update("acme", 1234, 1_795_000_000_123_456L),
                TestEvents.checkpoint("acme", 99, 1_795_000_000_000_001L)}) {
            assertThat(codec.decode(codec.encode(event))).isEqualTo(event);
        }
    }

    @Test
    void writesTheSingleObjectHeaderWithTheCurrentFingerprint() {
        byte[] bytes = codec.encode(TestEvents.update("acme", 1, 1));
        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(fingerprint).isEqualTo(ReleasedSchemaStore.fingerprint(ChangeEvent.getClassSchema()));
        assertThat(codec.writerFingerprint(bytes)).isEqualTo(fingerprint);
    }

    @Test
    void agreesWithAvrosOwnSingleObjectDecoder() throws Exception {
        ChangeEvent event = TestEvents.update("acme", 7, 7);
        BinaryMessageDecoder<ChangeEvent> avro = ChangeEvent.getDecoder();
        assertThat(avro.decode(codec.encode(event))).isEqualTo(event);
        assertThat(codec.decode(ChangeEvent.getEncoder().encode(event).array())).isEqualTo(event);
    }

    @Test
    void bytesWithoutTheHeaderAreNotSingleObjectEncoded() {
        assertReason("{\"tenant\":\"acme\"}".getBytes(StandardCharsets.UTF_8), Reason.NOT_SINGLE_OBJECT_ENCODED, "not the single-object header C3 01");
        assertReason(new byte[] {(byte) 0xC3, 0x01, 0}, Reason.NOT_SINGLE_OBJECT_ENCODED, "only 3 bytes");
        assertReason(new byte[0], Reason.NOT_SINGLE_OBJECT_ENCODED, "only 0 bytes");
        assertReason(null, Reason.NOT_SINGLE_OBJECT_ENCODED, "no value");
    }

    @Test
    void anUnknownFingerprintNamesItAndTheKnownOnes() {
        byte[] bytes = codec.encode(TestEvents.update("acme", 1, 1));
        bytes[2] ^= 0x55;
        String hex = String.format(java.util.Locale.ROOT, "%016x", codec.writerFingerprint(bytes));
        assertReason(bytes, Reason.UNKNOWN_SCHEMA, hex);
        assertReason(bytes, Reason.UNKNOWN_SCHEMA, "known: v1=");
    }

    @Test
    void truncatedOrPaddedBodiesAreMalformed() {
        byte[] bytes = codec.encode(TestEvents.update("acme", 1, 1));
        assertReason(Arrays.copyOf(bytes, bytes.length - 3), Reason.MALFORMED_BODY, "malformed");
        assertReason(Arrays.copyOf(bytes, bytes.length + 2), Reason.MALFORMED_BODY, "bytes remain after the event");
        byte[] negativeLength = Arrays.copyOf(bytes, bytes.length);
        negativeLength[10] = 0x01; // zig-zag -1: a negative string length for tenant
        assertReason(negativeLength, Reason.MALFORMED_BODY, "malformed");
    }

    @Test
    void encodingAnIncompleteEventNamesIt() {
        ChangeEvent event = TestEvents.update("acme", 1, 1);
        event.setSource(null);
        assertThatThrownBy(() -> codec.encode(event)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot encode change event 1:1");
    }

    private void assertReason(byte[] bytes, Reason reason, String messagePart) {
        assertThatThrownBy(() -> codec.decode(bytes))
                .isInstanceOfSatisfying(UndecodableEventException.class, e -> assertThat(e.reason()).isEqualTo(reason))
                .hasMessageContaining(messagePart);
    }
}
