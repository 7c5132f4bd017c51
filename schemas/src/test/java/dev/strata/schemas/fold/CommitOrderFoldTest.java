package dev.strata.schemas.fold;

import static dev.strata.schemas.testing.Changes.event;
import static dev.strata.schemas.testing.Changes.key;
import static dev.strata.schemas.testing.Changes.row;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.schemas.TenantId;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Op;
import dev.strata.schemas.segment.SegmentWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A row's versions fold in COMMIT order where the events carry it (v4 previousCommitLsn): the
 * transaction in flight across the initial snapshot point changed the row at an LSN below the
 * snapshot's, and committed after it, so its image wins over the snapshot's older one.
 */
class CommitOrderFoldTest {
    private static final long SNAPSHOT_LSN = 5000;

    @TempDir
    Path spill;

    /** The snapshot's row, then the in-flight transaction's update of it (LSN 4000, commit after the snapshot point). */
    private static List<ChangeEvent> snapshotThenInFlightUpdate(boolean withCommitOrder) {
        ChangeEvent snapshotRow = event("acme", "public.orders", Op.READ, 100, SNAPSHOT_LSN, 0, key(1), null, row(1, "before"));
        ChangeEvent update = event("acme", "public.orders", Op.UPDATE, 200, 4000, 1, key(1), null, row(1, "in flight"));
        ChangeEvent later = event("acme", "public.orders", Op.CREATE, 300, 6100, 1, key(2), null, row(2, "later"));
        if (withCommitOrder) {
            update.setPreviousCommitLsn(SNAPSHOT_LSN); // capture's value for the first streamed transaction
            later.setPreviousCommitLsn(6000L);
        }
        return List.of(snapshotRow, update, later);
    }

    @Test
    void theInFlightTransactionWinsOverTheSnapshotRowInBothDecoders() {
        Folded converted = Folded.of(snapshotThenInFlightUpdate(true), Long.MAX_VALUE, 1 << 20, spill);
        assertThat(converted.rows.get("public.orders")).containsEntry("[1]", "[1, in flight]").containsEntry("[2]", "[2, later]");

        ShapeCatalog catalog = new ShapeCatalog();
        try (ChangeFolder folder = new ChangeFolder(catalog, new FoldMemory(1 << 20, spill, 4))) {
            byte[] segment = SegmentWriter.encode(snapshotThenInFlightUpdate(true)).bytes();
            new FastSegmentDecoder(TenantId.of("acme"), catalog, Long.MAX_VALUE).decode(segment, "test", folder::accept);
            assertThat(Folded.drained(catalog, folder).rows).isEqualTo(converted.rows);
        }
    }

    @Test
    void withoutCommitOrderTheSnapshotsOlderImageWonAsBefore() {
        // the limit v4 removes: events of older schemas still fold by LSN
        Folded byLsn = Folded.of(new ArrayList<>(snapshotThenInFlightUpdate(false)), Long.MAX_VALUE, 1 << 20, spill);
        assertThat(byLsn.rows.get("public.orders")).containsEntry("[1]", "[1, before]");
    }
}
