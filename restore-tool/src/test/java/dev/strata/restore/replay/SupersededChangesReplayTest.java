package dev.strata.restore.replay;

import static dev.strata.schemas.testing.Changes.delete;
import static dev.strata.schemas.testing.Changes.event;
import static dev.strata.schemas.testing.Changes.insert;
import static dev.strata.schemas.testing.Changes.key;
import static dev.strata.schemas.testing.Changes.row;
import static dev.strata.schemas.testing.Changes.update;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.restore.plan.RestoreTime;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Op;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole restore reads the log newest first and leaves undecoded a change whose key the fold already holds a newer row
 * of, judged at the change's own place in commit order: the rows are those of every change folded, whatever order the
 * segments' cut times and LSNs give.
 */
class SupersededChangesReplayTest {
    private static final String A = "acme";
    private static final String ORDERS = "public.orders";
    private static final String NOTES = "public.notes";
    private static final long T0 = 1_790_002_800_000_000L; // 2026-09-21T14:00:00Z, the start of an hour
    private static final long SECOND = 1_000_000L;

    @TempDir
    Path spill;

    @Test
    void segmentsOfThreePartitionsOverlappingInTimeGiveEachKeysNewestVersionAtEveryPoint() throws IOException {
        List<ChangeEvent> history = new ArrayList<>();
        Random random = new Random(17);
        for (int i = 0; i < 1_500; i++) {
            long t = T0 + i * SECOND; // a change a second, all in one hour
            long lsn = 1_000 + 10L * i;
            long id = random.nextInt(60);
            int kind = random.nextInt(10);
            history.add(kind < 7 ? update(A, ORDERS, t, lsn, id, "v" + i)
                    : kind < 9 ? delete(A, ORDERS, t, lsn, id) : insert(A, ORDERS, t, lsn, id, "i" + i));
        }
        // a key's changes spread over the partitions: a segment read after a newer one may hold its newest change
        PartitionedBackup backup = new PartitionedBackup(spill, history, e -> random.nextInt(3), 11);
        for (int readers : new int[] {1, 3}) {
            for (int last : new int[] {400, 901, history.size() - 1}) {
                List<ChangeEvent> upTo = history.subList(0, last + 1);
                String at = readers + " reader(s), up to change " + last;
                PartitionedBackup.Restored restored = backup.restore(readers, RestoreTime.format(history.get(last).getCommitTsMicros()));
                assertThat(restored.rows()).as(at).isEqualTo(expected(upTo));
                // every change counted once, decoded or left to the fold
                assertThat(restored.summary().fold().changes()).as(at).isEqualTo(upTo.size());
            }
        }
    }

    @Test
    void aChangeCommittedAfterASnapshotWinsOverTheSnapshotRowsReadLater() throws IOException {
        // a snapshot's rows carry the time they were read as cut time, after the change streamed before them, and the
        // snapshot's consistent point as their place in commit order, before it
        long consistentPoint = 100;
        List<ChangeEvent> history = List.of(
                update(A, ORDERS, T0 + 10 * SECOND, 200, 1, "after the snapshot's point"),
                update(A, ORDERS, T0 + 11 * SECOND, 210, 2, "after the snapshot's point"),
                event(A, ORDERS, Op.READ, T0 + 50 * SECOND, consistentPoint, 1, key(1), null, row(1, "snapshot")),
                event(A, ORDERS, Op.READ, T0 + 50 * SECOND, consistentPoint, 2, key(2), null, row(2, "snapshot")),
                event(A, ORDERS, Op.READ, T0 + 51 * SECOND, consistentPoint, 3, key(3), null, row(3, "snapshot")));
        PartitionedBackup backup = new PartitionedBackup(spill, history, e -> 0, 2);
        for (int readers : new int[] {1, 3}) {
            assertThat(backup.restore(readers, "latest").rows()).as(readers + " reader(s)")
                    .isEqualTo(Map.of("1", "after the snapshot's point", "2", "after the snapshot's point", "3", "snapshot"));
        }
    }

    @Test
    void aSegmentWithoutCommitOrderIsJudgedByEachChangesOwnLsn() {
        // no previousCommitLsn (segments before v4): a change's place is its LSN. A long transaction's first change in
        // the newest segment (LSN 100, committed last) is older than both changes of key 1 in the one before it
        List<ChangeEvent> history = List.of(
                update(A, ORDERS, T0 + 10 * SECOND, 200, 1, "first"),
                update(A, ORDERS, T0 + 20 * SECOND, 300, 1, "second"),
                update(A, ORDERS, T0 + 30 * SECOND, 100, 5, "long transaction"),
                update(A, ORDERS, T0 + 30 * SECOND, 310, 1, "third, in the long transaction"));
        PartitionedBackup backup = new PartitionedBackup(spill, history, e -> 0, 2);
        for (int readers : new int[] {1, 3}) {
            assertThat(backup.restore(readers, "latest").rows()).as(readers + " reader(s)")
                    .isEqualTo(Map.of("1", "third, in the long transaction", "5", "long transaction"));
            assertThat(backup.restore(readers, RestoreTime.format(T0 + 20 * SECOND)).rows()).as(readers + " reader(s), before it")
                    .isEqualTo(Map.of("1", "second"));
        }
    }

    @Test
    void aTableWhoseEveryRowWasDeletedKeepsTheColumnsOfItsLastImage() throws IOException {
        List<ChangeEvent> history = new ArrayList<>();
        history.add(insert(A, NOTES, T0, 1_000, 1, "only"));
        for (int i = 1; i <= 30; i++) {
            history.add(update(A, ORDERS, T0 + i * SECOND, 1_000 + 10L * i, i % 4, "v" + i));
        }
        history.add(delete(A, NOTES, T0 + 31 * SECOND, 1_400, 1)); // the newest change of the table: no image
        PartitionedBackup.Restored restored = new PartitionedBackup(spill, history, e -> 0, 5).restore(1, "latest");
        assertThat(restored.summary().notes()).noneSatisfy(n -> assertThat(n).contains(NOTES).contains("not created"));
        assertThat(restored.summary().rowsPerTable()).containsEntry(NOTES, 0L).containsEntry(ORDERS, 4L);
        assertThat(restored.summary().fold().changes()).isEqualTo(history.size());
    }

    /** Each key's newest change in commit order (here the LSN's), as the rows the NDJSON target prints. */
    private static Map<String, String> expected(List<ChangeEvent> changes) {
        Map<String, String> rows = new TreeMap<>();
        changes.stream().sorted(Comparator.comparingLong(ChangeEvent::getLsn)).forEach(e -> {
            String id = String.valueOf(e.getKey().get(0).getValue());
            if (e.getAfter() == null) {
                rows.remove(id);
            } else {
                rows.put(id, String.valueOf(e.getAfter().get(1).getValue()));
            }
        });
        return rows;
    }
}
