package dev.strata.schemas.fold;

import static dev.strata.schemas.testing.Changes.insert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.segment.SegmentWriter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SegmentBlocksTest {

    private static byte[] segment() {
        List<ChangeEvent> events = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            events.add(insert("acme", "public.orders", i, 1000 + i, i, "x".repeat(100))); // a few blocks of 64 KB
        }
        return SegmentWriter.encode(events).bytes();
    }

    @Test
    void readsEveryEventOfEveryBlock() throws IOException {
        AvroCursor cursor = new AvroCursor();
        long events = 0;
        int blocks = 0;
        try (SegmentBlocks segment = new SegmentBlocks(segment())) {
            assertThat(segment.schema()).isEqualTo(ChangeEvent.getClassSchema());
            while (segment.next(cursor)) {
                events += segment.count();
                blocks++;
            }
        }
        assertThat(events).isEqualTo(2_000);
        assertThat(blocks).isGreaterThan(1);
    }

    @Test
    void refusesABlockWhoseSyncMarkerIsNotTheFiles() throws IOException {
        byte[] damaged = segment();
        damaged[damaged.length - 1] ^= 1; // the last block's marker
        try (SegmentBlocks segment = new SegmentBlocks(damaged)) {
            AvroCursor cursor = new AvroCursor();
            assertThatThrownBy(() -> {
                while (segment.next(cursor)) {
                    assertThat(segment.count()).isPositive();
                }
            }).isInstanceOf(IOException.class).hasMessageContaining("sync marker");
        }
    }

    @Test
    void refusesWhatIsNoContainerFile() {
        assertThatThrownBy(() -> new SegmentBlocks(new byte[64])).isInstanceOf(IOException.class).hasMessageContaining("magic");
    }
}
