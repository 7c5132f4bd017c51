package dev.strata.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.schemas.TestEvents;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.event.ChangeEventCodec;
import dev.strata.schemas.event.UndecodableEventException;
import dev.strata.schemas.segment.Segment;
import dev.strata.schemas.segment.SegmentReader;
import dev.strata.schemas.segment.SegmentSummary;
import dev.strata.schemas.segment.SegmentWriter;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sink's fast segment writer must produce exactly schemas' SegmentWriter bytes: keys and retries depend on it. */
class EncodedSegmentWriterTest {
    private final ChangeEventCodec codec = new ChangeEventCodec();
    private final EventPeek peek = new EventPeek(codec);

    @Test
    void writesTheSameBytesAsSegmentWriterFromWireBytes() {
        List<ChangeEvent> events = new ArrayList<>(TestEvents.randomUpdates("acme", 20_000, 42));
        events.add(5, TestEvents.checkpoint("acme", 7, 1_795_000_000_000_000L));
        Segment expected = SegmentWriter.encode(events);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SegmentSummary summary;
        try (EncodedSegmentWriter writer = new EncodedSegmentWriter(out, SegmentWriter.DEFAULT_ZSTD_LEVEL)) {
            for (ChangeEvent event : events) {
                EventView view = peek.peek(codec.encode(event));
                assertThat(view.hasCurrentWire()).isTrue();
                writer.append(view);
            }
            summary = writer.finish();
        }
        assertThat(out.toByteArray()).isEqualTo(expected.bytes());
        assertThat(summary).isEqualTo(expected.summary());
        assertThat(SegmentReader.readAll(out.toByteArray(), summary.sha256(), "test")).isEqualTo(events);
    }

    @Test
    void mixesWireBytesAndDecodedEventsToTheSameBytes() {
        List<ChangeEvent> events = TestEvents.randomUpdates("acme", 300, 7);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (EncodedSegmentWriter writer = new EncodedSegmentWriter(out, SegmentWriter.DEFAULT_ZSTD_LEVEL)) {
            for (int i = 0; i < events.size(); i++) {
                writer.append(i % 3 == 0 ? EventView.of(events.get(i)) : peek.peek(codec.encode(events.get(i))));
            }
            writer.finish();
        }
        assertThat(out.toByteArray()).isEqualTo(SegmentWriter.encode(events).bytes());
    }

    @Test
    void peeksTheRoutingFieldsAndRefusesABrokenBody() {
        ChangeEvent event = TestEvents.update("globex", 123, 1_795_000_000_000_456L);
        EventView view = peek.peek(codec.encode(event));
        assertThat(view.tenant()).isEqualTo("globex");
        assertThat(view.commitMicros()).isEqualTo(1_795_000_000_000_456L);
        assertThat(view.lsn()).isEqualTo(123);
        assertThat(view.event()).isEqualTo(event);

        byte[] wire = codec.encode(event);
        assertThatThrownBy(() -> peek.peek(Arrays.copyOf(wire, wire.length - 3))).isInstanceOf(UndecodableEventException.class)
                .hasMessageContaining("MALFORMED_BODY");
        assertThatThrownBy(() -> peek.peek(Arrays.copyOf(wire, wire.length + 1))).isInstanceOf(UndecodableEventException.class);
        assertThatThrownBy(() -> peek.peek(new byte[] {1, 2, 3})).isInstanceOf(UndecodableEventException.class);
        assertThatThrownBy(() -> peek.peek(null)).isInstanceOf(UndecodableEventException.class);
    }
}
