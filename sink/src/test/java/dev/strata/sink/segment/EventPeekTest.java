package dev.strata.sink.segment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.schemas.TestEvents;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.testing.ImagelessReader;
import dev.strata.schemas.event.ChangeEventCodec;
import dev.strata.schemas.event.UndecodableEventException;
import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.junit.jupiter.api.Test;

/**
 * The peek keeps a record's wire bytes for the segment only when they are a whole datum that every reader reads alike: a row
 * image's block that gives its byte size must hold exactly its items, since the segment decoder's walk passes over it by
 * that size while a full read goes by the items. Bytes that fail are decoded in full: parked if Avro cannot read them,
 * encoded again (consistently) if it can, never written as they came.
 */
class EventPeekTest {
    private final ChangeEventCodec codec = new ChangeEventCodec();
    private final EventPeek peek = new EventPeek(codec);
    private static final GenericDatumReader<GenericRecord> WITHOUT_IMAGES = ImagelessReader.create();

    @Test
    void keepsTheWireBytesOfAWellFormedEvent() {
        byte[] wire = codec.encode(TestEvents.update("acme", 7, 3));
        EventView view = peek.peek(wire);
        assertThat(view.hasCurrentWire()).isTrue();
        assertThat(view.wire()).isSameAs(wire);
    }

    @Test
    void neverKeepsTheBytesOfADamagedRowImage() {
        byte[] wire = codec.encode(TestEvents.update("acme", 7, 3));
        int[] after = afterBlock(wire);
        int parked = 0;
        for (int at = after[0]; at < after[1]; at++) {
            byte[] damaged = wire.clone();
            damaged[at] = 0x13;
            if (Arrays.equals(damaged, wire)) {
                continue;
            }
            try {
                EventView view = peek.peek(damaged);
                assertThat(view.hasCurrentWire()).as("byte %d of the image damaged: the wire bytes are kept only if Avro reads them"
                        + " whole and alike", at).isEqualTo(readsAlike(damaged));
            } catch (UndecodableEventException e) {
                parked++;
            }
        }
        assertThat(parked).as("some damage leaves the image unreadable: parked").isPositive();
    }

    @Test
    void aBlockWhoseSizeDisagreesWithItsItemsIsEncodedAgainNotKept() {
        ChangeEvent event = TestEvents.update("acme", 7, 3);
        byte[] wire = codec.encode(event);
        int[] after = afterBlock(wire);
        byte[] shorter = wire.clone();
        assertThat(shorter[after[2]] & 0x7e).as("the size's low bits allow one less without a borrow").isNotZero();
        shorter[after[2]] -= 2; // zigzag: the size says one byte less than the items take
        EventView view = peek.peek(shorter);
        assertThat(view.hasCurrentWire()).as("Avro reads it by its items: encoded again by the sink").isFalse();
        assertThat(view.event()).isEqualTo(codec.decode(wire));
    }

    /**
     * Whether the bytes would be read alike by a read of the images' items (Avro's decode) and a walk over them by their byte
     * sizes (Avro's skip of fields a reader schema lacks): the same fields after the images.
     */
    private boolean readsAlike(byte[] wire) {
        ChangeEvent byItems;
        try {
            byItems = codec.decode(wire);
        } catch (UndecodableEventException e) {
            return false;
        }
        try {
            GenericRecord bySize = WITHOUT_IMAGES.read(null, DecoderFactory.get().binaryDecoder(wire, ChangeEventCodec.HEADER_LENGTH,
                    wire.length - ChangeEventCodec.HEADER_LENGTH, null));
            return String.valueOf(bySize.get("eventId")).equals(byItems.getEventId())
                    && Objects.equals(bySize.get("cutTsMicros"), byItems.getCutTsMicros())
                    && Objects.equals(bySize.get("commitLsn"), byItems.getCommitLsn());
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }


    /** Where the after image's items begin and end in the event's bytes, and where its size begins (an UPDATE without an old row). */
    private int[] afterBlock(byte[] wire) {
        byte[] withoutAfter = codec.encode(withoutAfter(codec.decode(wire)));
        int start = 0;
        while (wire[start] == withoutAfter[start]) {
            start++;
        }
        // start: the after field's union index (1 where null had 0); then the block's negative count and its size
        int countAt = start + 1;
        assertThat(wire[countAt] & 1).as("a negative count (zigzag: odd)").isEqualTo(1);
        int sizeAt = countAt + 1;
        long zigZag = 0;
        int at = sizeAt;
        for (int shift = 0; ; shift += 7) {
            zigZag |= (long) (wire[at] & 0x7f) << shift;
            if (wire[at++] >= 0) {
                break;
            }
        }
        return new int[] {at, at + (int) (zigZag >>> 1), sizeAt};
    }

    private static ChangeEvent withoutAfter(ChangeEvent event) {
        ChangeEvent copy = ChangeEvent.newBuilder(event).build();
        copy.setAfter(null);
        return copy;
    }
}
