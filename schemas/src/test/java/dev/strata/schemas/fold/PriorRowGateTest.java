package dev.strata.schemas.fold;

import static dev.strata.schemas.testing.Changes.event;
import static dev.strata.schemas.testing.Changes.key;
import static dev.strata.schemas.testing.Changes.row;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.schemas.TenantId;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Column;
import dev.strata.schemas.avro.Op;
import dev.strata.schemas.fold.select.PriorRowGate;
import dev.strata.schemas.segment.SegmentWriter;
import dev.strata.schemas.testing.DeflateSegments;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The old rows the fast decoder hands a {@link PriorRowGate}: each UPDATE's and DELETE's the gate passed, before its changes. */
class PriorRowGateTest {
    private static final String T = "public.orders";
    private static final long NOT_PASSED = 700;

    private final List<ChangeEvent> events = List.of(
            event("acme", T, Op.UPDATE, 1, 100, 1, key(1), row(1, "old1"), row(1, "new1")), // REPLICA IDENTITY FULL
            event("acme", T, Op.UPDATE, 2, 200, 1, key(2), null, row(2, "new2")), // DEFAULT: no old row
            event("acme", T, Op.DELETE, 3, 300, 1, key(3), row(3, "old3"), null),
            event("acme", T, Op.DELETE, 4, 400, 1, key(4), key(4), null), // DEFAULT: the key's columns only
            event("acme", T, Op.UPDATE, 5, 500, 1, key(6), row(5, "old5"), row(6, "moved")), // its key changed from 5 to 6
            event("acme", T, Op.CREATE, 6, 600, 1, key(7), null, row(7, "new7")),
            event("acme", T, Op.UPDATE, 7, NOT_PASSED, 1, key(8), row(8, "old8"), row(8, "new8")));

    @Test
    void eachPassedUpdateAndDeleteHandsItsOldRowBeforeItsChangesAsAnUpsertOfTheOldKey() {
        ShapeCatalog catalog = new ShapeCatalog();
        Journal journal = new Journal(catalog);
        byte[] segment = SegmentWriter.encode(events).bytes();
        new SegmentFold(TenantId.of("acme"), catalog, Long.MAX_VALUE).read(segment, "test", journal::change, null, journal);

        assertThat(journal.entries).containsExactly(
                "pass 100", "prior [1] at 100 columns [id, name]", "UPSERT [1]",
                "pass 200", "UPSERT [2]",
                "pass 300", "prior [3] at 300 columns [id, name]", "DELETE [3]",
                "pass 400", "prior [4] at 400 columns [id]", "DELETE [4]",
                "pass 500", "prior [5] at 500 columns [id, name]", "DELETE [5]", "UPSERT [6]",
                "pass 600", "UPSERT [7]",
                "pass 700");
        // the old row is encoded as a new row of the same values at that position would be
        assertThat(hex(journal.priors.get(0).version())).isEqualTo(hex(upsertOf(catalog, row(1, "old1"), 100)));
        assertThat(hex(journal.priors.get(3).version())).isEqualTo(hex(upsertOf(catalog, row(5, "old5"), 500)));
    }

    @Test
    void aSegmentAvrosReaderDecodesGivesNoOldRows() {
        ShapeCatalog catalog = new ShapeCatalog();
        Journal journal = new Journal(catalog);
        byte[] segment = DeflateSegments.of(events);
        new SegmentFold(TenantId.of("acme"), catalog, Long.MAX_VALUE).read(segment, "test", journal::change, null, journal);

        assertThat(journal.entries).contains("pass 100", "UPSERT [1]", "DELETE [3]").noneMatch(e -> e.startsWith("prior"));
    }

    @Test
    void anOldRowReadWithOneCatalogIsFoldedWithAnotherUnderItsIds() {
        ShapeCatalog first = new ShapeCatalog();
        Journal journal = new Journal(first);
        byte[] segment = SegmentWriter.encode(events.subList(0, 1)).bytes();
        new SegmentFold(TenantId.of("acme"), first, Long.MAX_VALUE).read(segment, "test", journal::change, null, journal);
        FoldOp prior = journal.priors.get(0);

        ShapeCatalog other = new ShapeCatalog();
        other.tableId("public.customers"); // other ids than the first catalog's
        int tableId = other.tableId(T);
        int shapeId = other.shapeId(first.shape(prior.shapeId()));
        FoldOp moved = prior.inCatalog(tableId, shapeId);

        assertThat(moved.tableId()).isEqualTo(tableId).isNotEqualTo(prior.tableId());
        assertThat(hex(moved.version())).isEqualTo(hex(upsertOf(other, row(1, "old1"), 100)));
        assertThat(moved.key()).isEqualTo(prior.key());
    }

    /** The UPSERT the fast decoder gives an INSERT of {@code image} at {@code lsn}, shapes from {@code catalog}. */
    private static byte[] upsertOf(ShapeCatalog catalog, List<Column> image, long lsn) {
        long id = (Long) image.get(0).getValue();
        byte[] segment = SegmentWriter.encode(List.of(event("acme", T, Op.CREATE, 9, lsn, 1, key(id), null, image))).bytes();
        List<FoldOp> ops = new ArrayList<>();
        new FastSegmentDecoder(TenantId.of("acme"), catalog, Long.MAX_VALUE).decode(segment, "test", ops::add);
        return ops.get(0).version();
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    /** What the decoder hands over, in order; the gate passes every event but the one at {@link #NOT_PASSED}. */
    private static final class Journal implements PriorRowGate {
        final List<String> entries = new ArrayList<>();
        final List<FoldOp> priors = new ArrayList<>();
        private final ShapeCatalog catalog;
        private final RowDecoder decoder;

        Journal(ShapeCatalog catalog) {
            this.catalog = catalog;
            this.decoder = new RowDecoder(catalog);
        }

        @Override
        public boolean pass(Op op, int tableId, long commitTs, long cutTs, long txId, String definition) {
            long lsn = txId * 100;
            entries.add("pass " + lsn);
            return lsn != NOT_PASSED;
        }

        @Override
        public void prior(FoldOp oldRow) {
            priors.add(oldRow);
            entries.add("prior " + Arrays.toString(decoder.key(oldRow.key())) + " at " + oldRow.lsn() + " columns "
                    + catalog.shape(oldRow.shapeId()).columns());
        }

        void change(FoldOp op) {
            entries.add(op.kind() + " " + Arrays.toString(decoder.key(op.key())));
        }
    }
}
