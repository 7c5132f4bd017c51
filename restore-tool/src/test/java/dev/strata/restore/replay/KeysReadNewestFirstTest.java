package dev.strata.restore.replay;

import static dev.strata.schemas.testing.Changes.col;
import static dev.strata.schemas.testing.Changes.event;
import static dev.strata.schemas.testing.Changes.insert;
import static dev.strata.schemas.testing.Changes.key;
import static dev.strata.schemas.testing.Changes.row;
import static dev.strata.schemas.testing.Changes.update;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Op;
import dev.strata.schemas.fold.KeyBytes;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore of a few keys (a rollback's) reads the log newest segment first and stops once the segments left end before
 * the oldest one read begins: that proves them older only where cut times follow commit order, which snapshot rows need
 * not. Debezium times every row of a PostgreSQL snapshot when its snapshot transaction began, a moment after its
 * consistent point, their place in commit order; a capture before 2026-12-07 cut a transaction committed in that moment
 * at its own commit time, before the rows it is newer than.
 */
class KeysReadNewestFirstTest {
    private static final String A = "acme";
    private static final String ORDERS = "public.orders";
    private static final String NOTES = "public.notes";
    private static final long T0 = 1_790_002_800_000_000L; // 2026-09-21T14:00:00Z, the start of an hour
    private static final long SECOND = 1_000_000L;
    private static final long SNAPSHOT_BEGAN = T0 + 50 * SECOND;

    @TempDir
    Path spill;

    @Test
    void streamedChangesStopTheReadAtTheSegmentsOlderThanEveryKeysLastChange() {
        List<ChangeEvent> history = List.of(
                update(A, ORDERS, T0 + 10 * SECOND, 100, 1, "first"),
                update(A, ORDERS, T0 + 20 * SECOND, 200, 2, "other"),
                update(A, ORDERS, T0 + 30 * SECOND, 300, 1, "second"),
                update(A, ORDERS, T0 + 40 * SECOND, 400, 3, "other"));
        PartitionedBackup.Restored restored = new PartitionedBackup(spill, history, e -> 0, 1).restore(1, "latest", key1());
        assertThat(restored.rows()).isEqualTo(Map.of("1", "second"));
        assertThat(restored.summary().notes()).anySatisfy(n -> assertThat(n).contains("read newest first").contains(": 2 of 4 segment(s)"));
    }

    @Test
    void aChangeStreamedDuringTheSnapshotIsFoundBehindTheSnapshotsSegment() {
        long consistentPoint = 100;
        List<ChangeEvent> history = List.of(
                // the snapshot's rows, as of its consistent point, timed when its transaction began
                event(A, ORDERS, Op.READ, SNAPSHOT_BEGAN, consistentPoint, 1, key(1), null, row(1, "snapshot")),
                event(A, ORDERS, Op.READ, SNAPSHOT_BEGAN, consistentPoint, 2, key(2), null, row(2, "snapshot")),
                // committed after the consistent point, a millisecond before the snapshot began: streamed once it is done, in
                // a segment that ends before the snapshot's begins
                update(A, ORDERS, SNAPSHOT_BEGAN - 1_000, 200, 1, "streamed after the snapshot's point"),
                update(A, ORDERS, T0 + 60 * SECOND, 300, 2, "later"));
        PartitionedBackup backup = new PartitionedBackup(spill, history, e -> 0, 1);
        for (int readers : new int[] {1, 2}) {
            assertThat(backup.restore(readers, "latest", key1()).rows()).as(readers + " reader(s)")
                    .isEqualTo(Map.of("1", "streamed after the snapshot's point"));
        }
    }

    @Test
    void aColumnAddedWhileTheSnapshotRanIsKeptBehindTheSnapshotsSegment() {
        long consistentPoint = 100;
        List<ChangeEvent> history = List.of(
                event(A, ORDERS, Op.READ, SNAPSHOT_BEGAN, consistentPoint, 1, key(1), null, row(1, "snapshot")),
                event(A, ORDERS, Op.READ, SNAPSHOT_BEGAN, consistentPoint, 2, key(2), null, row(2, "snapshot")),
                // after the consistent point, before the snapshot began: row 1 changed, then a column added and row 2 written
                // with it, the table's newest image, in segments that end before the snapshot's begins
                update(A, ORDERS, SNAPSHOT_BEGAN - 2_000, 150, 1, "streamed"),
                event(A, ORDERS, Op.UPDATE, SNAPSHOT_BEGAN - 1_000, 200, 1, key(2), null,
                        List.of(col("id", "bigint", 2L), col("name", "text", "wider"), col("extra", "text", "x"))),
                // a later change of another table: the durable point covers the snapshot
                insert(A, NOTES, T0 + 60 * SECOND, 300, 1, "later"));
        String restored = new PartitionedBackup(spill, history, e -> 0, 1).restore(1, "latest", key1()).ndjson();
        assertThat(restored).contains("\"name\":\"streamed\"").contains("\"extra\":null");
    }

    /** The key of row 1, as a rollback of it asks. */
    private static KeyFilter key1() {
        return KeyFilter.only(Map.of(ORDERS, Set.of(KeyFilter.Key.of(KeyBytes.of(1L)))));
    }
}
