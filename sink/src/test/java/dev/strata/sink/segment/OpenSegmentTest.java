package dev.strata.sink.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.schemas.TenantId;
import dev.strata.schemas.TestEvents;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.event.ChangeEventCodec;
import dev.strata.schemas.event.UndecodableEventException;
import dev.strata.schemas.segment.Segment;
import dev.strata.schemas.segment.SegmentReader;
import dev.strata.schemas.segment.SegmentWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * An open segment fed wire bytes (the sink's hot path, no decode) must hold exactly the bytes
 * schemas' SegmentWriter makes from the decoded events: keys and retries depend on it.
 */
class OpenSegmentTest {
    private final ChangeEventCodec codec = new ChangeEventCodec();
    private final EventPeek peek = new EventPeek(codec);

    private static OpenSegment open() {
        return new OpenSegment(TenantId.of("acme"), 0, 1, Instant.EPOCH, SegmentWriter.DEFAULT_ZSTD_LEVEL, Optional.empty());
    }

    @Test
    void holdsTheSameBytesAsSegmentWriterFromWireBytes() {
        List<ChangeEvent> events = new ArrayList<>(TestEvents.randomUpdates("acme", 20_000, 42));
        events.add(5, TestEvents.checkpoint("acme", 7, 1_795_000_000_000_000L));
        Segment expected = SegmentWriter.encode(events);

        OpenSegment segment = open();
        long offset = 0;
        for (ChangeEvent event : events) {
            EventView view = peek.peek(codec.encode(event));
            assertThat(view.hasCurrentWire()).isTrue();
            segment.append(offset++, view);
        }
        ClosedSegment closed = segment.close(RotationReason.SIZE, Instant.EPOCH);

        assertThat(closed.bytes()).isEqualTo(expected.bytes());
        assertThat(closed.summary()).isEqualTo(expected.summary());
        assertThat(SegmentReader.readAll(closed.bytes(), closed.sha256(), "test")).isEqualTo(events);
    }

    @Test
    void mixesWireBytesAndDecodedEventsToTheSameBytes() {
        List<ChangeEvent> events = TestEvents.randomUpdates("acme", 300, 7);
        OpenSegment segment = open();
        for (int i = 0; i < events.size(); i++) {
            segment.append(i, i % 3 == 0 ? EventView.of(events.get(i)) : peek.peek(codec.encode(events.get(i))));
        }
        assertThat(segment.close(RotationReason.SIZE, Instant.EPOCH).bytes()).isEqualTo(SegmentWriter.encode(events).bytes());
    }

    @Test
    void peeksTheRoutingFieldsAndRefusesABrokenBody() {
        ChangeEvent event = TestEvents.update("globex", 123, 1_795_000_000_000_456L);
        EventView view = peek.peek(codec.encode(event));
        assertThat(view.tenant()).isEqualTo("globex");
        assertThat(view.cutMicros()).isEqualTo(1_795_000_000_000_456L);
        assertThat(view.lsn()).isEqualTo(123);
        assertThat(view.event()).isEqualTo(event);

        byte[] wire = codec.encode(event);
        assertThatThrownBy(() -> peek.peek(Arrays.copyOf(wire, wire.length - 3))).isInstanceOf(UndecodableEventException.class)
                .hasMessageContaining("MALFORMED_BODY");
        assertThatThrownBy(() -> peek.peek(Arrays.copyOf(wire, wire.length + 1))).isInstanceOf(UndecodableEventException.class);
        assertThatThrownBy(() -> peek.peek(new byte[] {1, 2, 3})).isInstanceOf(UndecodableEventException.class);
        assertThatThrownBy(() -> peek.peek(null)).isInstanceOf(UndecodableEventException.class);
    }

    /** X1 committed at 10.005, then X2 at 10.003 in the WAL: both have cut time 10.005, which names the segment. */
    @Test
    void theSegmentsTimesAreCutTimesFromWireBytesAndDecodedEvents() {
        ChangeEvent x1 = TestEvents.update("acme", 100, 1_795_000_010_005_000L);
        ChangeEvent x2 = TestEvents.update("acme", 200, 1_795_000_010_003_000L);
        x1.setCutTsMicros(1_795_000_010_005_000L);
        x2.setCutTsMicros(1_795_000_010_005_000L);
        assertThat(peek.peek(codec.encode(x2)).cutMicros()).isEqualTo(1_795_000_010_005_000L);
        ChangeEvent old = TestEvents.update("acme", 50, 1_795_000_010_001_000L);
        assertThat(old.getCutTsMicros()).as("written before cut times").isNull();
        assertThat(peek.peek(codec.encode(old)).cutMicros()).as("its commit time").isEqualTo(1_795_000_010_001_000L);
        for (boolean wire : new boolean[] {true, false}) {
            OpenSegment segment = open();
            segment.append(0, wire ? peek.peek(codec.encode(x1)) : EventView.of(x1));
            segment.append(1, wire ? peek.peek(codec.encode(x2)) : EventView.of(x2));
            ClosedSegment closed = segment.close(RotationReason.SIZE, Instant.EPOCH);
            assertThat(closed.segmentKey().minCommitMicros()).as("from wire: %s", wire).isEqualTo(1_795_000_010_005_000L);
            assertThat(closed.segmentKey().maxCommitMicros()).isEqualTo(1_795_000_010_005_000L);
            assertThat(closed.summary().minCommitMicros()).isEqualTo(1_795_000_010_005_000L);
        }
    }
}
