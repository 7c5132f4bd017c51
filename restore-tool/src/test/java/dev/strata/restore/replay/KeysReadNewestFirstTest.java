package dev.strata.restore.replay;

import static dev.strata.schemas.testing.Changes.col;
import static dev.strata.schemas.testing.Changes.event;
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
 * the oldest one read begins: that proves them older only where cut times follow commit order, which an initial
 * snapshot's rows do not (their cut time is when they were read, their place the snapshot's consistent point).
 */
class KeysReadNewestFirstTest {
    private static final String A = "acme";
    private static final String ORDERS = "public.orders";
    private static final long T0 = 1_790_002_800_000_000L; // 2026-09-21T14:00:00Z, the start of an hour
    private static final long SECOND = 1_000_000L;

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
                // the snapshot reads its rows from 50 s on, as of its consistent point
                event(A, ORDERS, Op.READ, T0 + 50 * SECOND, consistentPoint, 1, key(1), null, row(1, "snapshot")),
                event(A, ORDERS, Op.READ, T0 + 51 * SECOND, consistentPoint, 2, key(2), null, row(2, "snapshot")),
                // committed at 10 s, after the consistent point: streamed once the snapshot is done, in a segment that ends
                // before the snapshot's begins
                update(A, ORDERS, T0 + 10 * SECOND, 200, 1, "streamed after the snapshot's point"),
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
                event(A, ORDERS, Op.READ, T0 + 50 * SECOND, consistentPoint, 1, key(1), null, row(1, "snapshot")),
                event(A, ORDERS, Op.READ, T0 + 51 * SECOND, consistentPoint, 2, key(2), null, row(2, "snapshot")),
                // after the consistent point: row 1 changed, then a column added and row 2 written with it, the table's newest
                // image, in a segment that ends before the snapshot's begins
                update(A, ORDERS, T0 + 5 * SECOND, 150, 1, "streamed"),
                event(A, ORDERS, Op.UPDATE, T0 + 10 * SECOND, 200, 1, key(2), null,
                        List.of(col("id", "bigint", 2L), col("name", "text", "wider"), col("extra", "text", "x"))));
        String restored = new PartitionedBackup(spill, history, e -> 0, 1).restore(1, "latest", key1()).ndjson();
        assertThat(restored).contains("\"name\":\"streamed\"").contains("\"extra\":null");
    }

    /** The key of row 1, as a rollback of it asks. */
    private static KeyFilter key1() {
        return KeyFilter.only(Map.of(ORDERS, Set.of(KeyFilter.Key.of(KeyBytes.of(1L)))));
    }
}
