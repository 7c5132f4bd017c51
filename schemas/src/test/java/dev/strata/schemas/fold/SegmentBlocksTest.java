package dev.strata.schemas.fold;

import static dev.strata.schemas.testing.Changes.insert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.segment.SegmentWriter;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.testing.DeflateSegments;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
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
    void leavesASegmentOfAnotherCodecToAvrosReader() throws IOException {
        byte[] file = DeflateSegments.of(List.of(insert("acme", "public.orders", 1, 1000, 1, "a")));
        try (SegmentBlocks segment = new SegmentBlocks(file)) {
            assertThat(segment.readable()).isFalse();
        }
        assertThat(new FastSegmentDecoder(TenantId.of("acme"), new ShapeCatalog(), Long.MAX_VALUE)
                .decode(file, "test", op -> { })).as("the caller falls back to SegmentReader").isNull();
    }

    @Test
    void theCursorRefusesWhatAvroWouldRefuse() {
        AvroCursor cursor = new AvroCursor();
        cursor.reset(new byte[] {4}, 0, 1); // zigzag 2
        assertThatThrownBy(cursor::present).isInstanceOf(IOException.class).hasMessageContaining("union index 2");
        cursor.reset(new byte[] {2}, 0, 1);
        assertThatThrownBy(cursor::readBoolean).isInstanceOf(IOException.class).hasMessageContaining("a boolean of 2");
        byte[] endless = new byte[12];
        Arrays.fill(endless, (byte) 0x80);
        cursor.reset(endless, 0, endless.length);
        assertThatThrownBy(cursor::readLong).isInstanceOf(IOException.class).hasMessageContaining("more than 10 bytes");
        cursor.reset(new byte[] {(byte) 0x81, 1, 'x'}, 0, 3); // a length of -65: past any block
        assertThatThrownBy(cursor::string).isInstanceOf(IOException.class).hasMessageContaining("runs past");
    }

    @Test
    void refusesWhatIsNoContainerFile() {
        assertThatThrownBy(() -> new SegmentBlocks(new byte[64])).isInstanceOf(IOException.class).hasMessageContaining("magic");
    }
}
