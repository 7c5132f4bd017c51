package dev.strata.schemas.fold;

import static dev.strata.schemas.testing.Changes.delete;
import static dev.strata.schemas.testing.Changes.insert;
import static dev.strata.schemas.testing.Changes.update;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.schemas.TenantId;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.fold.select.KeyInterest;
import dev.strata.schemas.segment.SegmentWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The fast decoder walks over a wanted change of a key the fold may hold a newer row of, and asks at the change's own
 * place in commit order (read after its images) whether that row supersedes it: only then is it left undecoded.
 */
class SupersededSkipDecoderTest {
    private static final String ORDERS = "public.orders";
    /** Per key, the position of the row the fold holds: key 3 has none. */
    private static final Map<Long, Long> HELD = Map.of(1L, 250L, 2L, 195L);

    private static List<ChangeEvent> events() {
        return List.of(
                insert("acme", ORDERS, 10, 101, 1, "v1"),
                insert("acme", ORDERS, 10, 102, 2, "v1"),
                update("acme", ORDERS, 11, 200, 1, "v2"),
                // committed after the transaction at 190: its place in commit order is 190, not its own LSN
                ChangeEvent.newBuilder(update("acme", ORDERS, 11, 210, 2, "v2")).setPreviousCommitLsn(190L).build(),
                delete("acme", ORDERS, 12, 300, 1),
                update("acme", ORDERS, 13, 400, 3, "v2"),
                update("acme", ORDERS, 99, 700, 1, "after the point"));
    }

    private record Decoded(List<String> folded, List<String> asked, List<String> skipped, FastSegmentDecoder.Counts counts) {
    }

    private static Decoded decode(boolean withInterest) {
        ShapeCatalog catalog = new ShapeCatalog();
        RowDecoder keys = new RowDecoder(catalog);
        List<String> folded = new ArrayList<>();
        List<String> asked = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        KeyInterest interest = new KeyInterest() {
            @Override
            public boolean wants(int tableId, byte[] key, int length) {
                return true;
            }

            @Override
            public boolean mayBeSuperseded(int tableId, byte[] key, int length) {
                return HELD.containsKey(id(key, length));
            }

            @Override
            public boolean supersedes(int tableId, byte[] key, int length, long lsn, long txOrder) {
                asked.add(id(key, length) + " at " + lsn + "/" + txOrder);
                return HELD.get(id(key, length)) > lsn;
            }

            @Override
            public void skipped(int tableId, int shapeId, long lsn, long txOrder) {
                skipped.add(lsn + "/" + txOrder);
            }

            private long id(byte[] key, int length) {
                return (Long) keys.key(Arrays.copyOf(key, length))[0];
            }
        };
        FastSegmentDecoder.Counts counts = new FastSegmentDecoder(TenantId.of("acme"), catalog, 50).decode(
                SegmentWriter.encode(events()).bytes(), "test",
                op -> folded.add(op.kind() + " " + op.lsn() + " key " + Arrays.toString(keys.key(op.key()))),
                withInterest ? interest : null);
        return new Decoded(folded, asked, skipped, counts);
    }

    @Test
    void aChangeIsLeftUndecodedOnlyWhenTheRowHeldIsNewerAtItsOwnPosition() {
        Decoded some = decode(true);
        assertThat(some.asked()).as("each change of a held key up to the point, at its place in commit order")
                .containsExactly("1 at 101/1", "2 at 102/1", "1 at 200/1", "2 at 190/1", "1 at 300/1");
        assertThat(some.folded()).containsExactly("DELETE 300 key [1]", "UPSERT 400 key [3]");
        assertThat(some.skipped()).as("a superseded change is the fold's to count, not reported as a key not wanted").isEmpty();

        Decoded all = decode(false);
        assertThat(all.folded()).hasSize(6).containsAll(some.folded());
        assertThat(some.counts()).as("every event counted once, the one after the point too").isEqualTo(all.counts())
                .isEqualTo(new FastSegmentDecoder.Counts(7, 1, 0));
    }
}
