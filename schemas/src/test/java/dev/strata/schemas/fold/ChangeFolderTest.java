package dev.strata.schemas.fold;

import static dev.strata.schemas.testing.Changes.col;
import static dev.strata.schemas.testing.Changes.delete;
import static dev.strata.schemas.testing.Changes.event;
import static dev.strata.schemas.testing.Changes.insert;
import static dev.strata.schemas.testing.Changes.key;
import static dev.strata.schemas.testing.Changes.row;
import static dev.strata.schemas.testing.Changes.truncate;
import static dev.strata.schemas.testing.Changes.update;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Op;
import dev.strata.schemas.fold.drain.FoldDrain;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChangeFolderTest {
    private static final String T = "acme";
    private static final String ORDERS = "public.orders";
    private static final long BIG = Long.MAX_VALUE;

    @TempDir
    Path spill;

    private Folded fold(List<ChangeEvent> events, long until) {
        return Folded.of(events, until, BIG, spill);
    }

    @Test
    void keepsTheLastImagePerKeyAndAppliesDeletes() {
        Folded f = fold(List.of(
                insert(T, ORDERS, 10, 100, 1, "a"),
                insert(T, ORDERS, 10, 101, 2, "b"),
                update(T, ORDERS, 20, 200, 1, "a2"),
                delete(T, ORDERS, 30, 300, 2)), BIG);
        assertThat(f.table(ORDERS)).containsExactly(Map.entry("[1]", "[1, a2]"));
        assertThat(f.tombstones.get(ORDERS)).containsOnlyKeys("[2]");
    }

    @Test
    void keepsOnlyChangesCommittedAtOrBeforeTheRestorePoint() {
        List<ChangeEvent> events = List.of(
                insert(T, ORDERS, 10, 100, 1, "a"),
                update(T, ORDERS, 20, 200, 1, "at-20"),
                update(T, ORDERS, 21, 210, 1, "at-21"));
        assertThat(fold(events, 20).table(ORDERS)).containsExactly(Map.entry("[1]", "[1, at-20]"));
        assertThat(fold(events, 19).table(ORDERS)).containsExactly(Map.entry("[1]", "[1, a]"));
        assertThat(fold(events, 9).rows).isEmpty();
    }

    @Test
    void aTransactionIsKeptWholeOrNotAtAll() {
        // two changes of one transaction share its commit time: the cut never splits them
        List<ChangeEvent> events = List.of(
                event(T, ORDERS, Op.CREATE, 50, 500, 1, key(1), null, row(1, "x")),
                event(T, ORDERS, Op.CREATE, 50, 501, 2, key(2), null, row(2, "y")));
        assertThat(fold(events, 50).table(ORDERS)).hasSize(2);
        assertThat(fold(events, 49).table(ORDERS)).isEmpty();
    }

    @Test
    void duplicatesAndAnyArrivalOrderGiveTheSameResult() {
        List<ChangeEvent> history = new ArrayList<>();
        long lsn = 1000;
        Random random = new Random(7);
        for (int i = 0; i < 400; i++) {
            long id = random.nextInt(40);
            int kind = random.nextInt(10);
            lsn += 10;
            if (kind < 6) {
                history.add(update(T, ORDERS, lsn, lsn, id, "v" + i));
            } else if (kind < 9) {
                history.add(delete(T, ORDERS, lsn, lsn, id));
            } else {
                history.add(truncate(T, ORDERS, lsn, lsn));
            }
        }
        Folded inOrder = fold(history, BIG);
        List<ChangeEvent> shuffled = new ArrayList<>(history);
        shuffled.addAll(history.subList(100, 250)); // at-least-once: re-delivered events
        Collections.shuffle(shuffled, new Random(3));
        Folded reordered = fold(shuffled, BIG);
        assertThat(reordered.rows).isEqualTo(inOrder.rows);
        assertThat(reordered.stats.superseded()).isGreaterThanOrEqualTo(150);
    }

    @Test
    void theLiveRowCountIsTheRowsDrainedInAnyArrivalOrderWithOrWithoutATruncate() {
        for (boolean withTruncate : new boolean[] {false, true}) {
            List<ChangeEvent> history = new ArrayList<>();
            Random random = new Random(11);
            for (int i = 0; i < 2_000; i++) {
                long lsn = 1000 + 10L * i;
                long id = random.nextInt(300);
                int kind = random.nextInt(10);
                if (withTruncate && i == 1_200) {
                    history.add(truncate(T, ORDERS, lsn, lsn));
                } else if (kind < 4) {
                    history.add(insert(T, ORDERS, lsn, lsn, id, "i" + i));
                } else if (kind < 7) {
                    history.add(update(T, ORDERS, lsn, lsn, id, "u" + i));
                } else {
                    history.add(delete(T, ORDERS, lsn, lsn, id));
                }
                history.add(insert(T, "public.lines", lsn, lsn + 1, id, "line")); // a second table, never deleted from
            }
            List<ChangeEvent> shuffled = new ArrayList<>(history);
            shuffled.addAll(history.subList(500, 900)); // re-delivered
            Collections.shuffle(shuffled, new Random(5));

            Folded folded = fold(shuffled, BIG);

            long drained = folded.rows.values().stream().mapToLong(Map::size).sum();
            assertThat(folded.table(ORDERS)).as("deletes left some keys without a row").hasSizeLessThan(300);
            assertThat(folded.tombstones.get(ORDERS)).isNotEmpty();
            assertThat(folded.liveRows).as("with a TRUNCATE: " + withTruncate).isEqualTo(drained);
        }
    }

    @Test
    void aTransactionDeliveredTwiceIsCountedAsDuplicatesAndAnOlderChangeIsNot() {
        List<ChangeEvent> transaction = List.of(
                insert(T, ORDERS, 10, 100, 1, "a"), insert(T, ORDERS, 10, 101, 2, "b"), insert(T, ORDERS, 10, 102, 3, "c"));
        List<ChangeEvent> events = new ArrayList<>(transaction);
        events.add(update(T, ORDERS, 20, 200, 3, "c2"));
        events.addAll(transaction.subList(0, 2)); // re-sent after a crash: same LSNs, same images
        events.add(insert(T, ORDERS, 5, 50, 1, "older")); // an older change loses without being a copy

        Folded folded = fold(events, BIG);

        assertThat(folded.stats.duplicates()).isEqualTo(2);
        assertThat(folded.stats.superseded()).as("the copies and the older change lost").isEqualTo(3);
        assertThat(folded.table(ORDERS)).hasSize(3);
    }

    @Test
    void truncateClearsWhatCameBeforeItOnlyInItsTable() {
        Folded f = fold(List.of(
                insert(T, "t_a.notes", 10, 100, 1, "gone"),
                insert(T, "t_a.notes", 10, 101, 2, "gone too"),
                insert(T, ORDERS, 10, 102, 1, "stays"),
                truncate(T, "t_a.notes", 20, 200),
                insert(T, "t_a.notes", 30, 300, 2, "back"),
                // a late duplicate of a change before the TRUNCATE must not revive its row
                insert(T, "t_a.notes", 10, 100, 1, "gone")), BIG);
        assertThat(f.table("t_a.notes")).containsExactly(Map.entry("[2]", "[2, back]"));
        assertThat(f.table(ORDERS)).containsExactly(Map.entry("[1]", "[1, stays]"));
        assertThat(f.tombstones.get("t_a.notes")).containsOnlyKeys("[1]");
    }

    @Test
    void manyChangesInOneLsnAreOrderedByTxOrder() {
        // a COPY writes many rows in one WAL record: one LSN, told apart by the order in the transaction
        Folded f = fold(List.of(
                event(T, ORDERS, Op.UPDATE, 10, 100, 3, key(1), null, row(1, "third")),
                event(T, ORDERS, Op.UPDATE, 10, 100, 1, key(1), null, row(1, "first")),
                event(T, ORDERS, Op.UPDATE, 10, 100, 2, key(1), null, row(1, "second"))), BIG);
        assertThat(f.table(ORDERS)).containsExactly(Map.entry("[1]", "[1, third]"));
    }

    @Test
    void anUpdateThatChangesTheKeyMovesTheRow() {
        Folded f = fold(List.of(
                insert(T, ORDERS, 10, 100, 1, "a"),
                event(T, ORDERS, Op.UPDATE, 20, 200, 1, key(5), row(1, "a"), row(5, "a"))), BIG);
        assertThat(f.table(ORDERS)).containsExactly(Map.entry("[5]", "[5, a]"));
    }

    @Test
    void aKeylessTableIsKeyedByTheWholeRow() {
        List<dev.strata.schemas.avro.Column> one = row(1, "x");
        List<dev.strata.schemas.avro.Column> two = row(1, "y");
        Folded f = fold(List.of(
                event(T, "public.log", Op.CREATE, 10, 100, 1, null, null, one),
                event(T, "public.log", Op.CREATE, 10, 101, 2, null, null, two),
                event(T, "public.log", Op.DELETE, 20, 200, 1, null, one, null)), BIG);
        assertThat(f.table("public.log")).containsExactly(Map.entry("[1, y]", "[1, y]"));
        assertThat(f.shapes.get("public.log").keyColumns()).isEmpty();
    }

    @Test
    void theNewestShapeWinsAndOlderRowsGetNullForNewColumns() {
        Folded f = fold(List.of(
                insert(T, ORDERS, 10, 100, 1, "old"),
                event(T, ORDERS, Op.CREATE, 20, 200, 1, key(2), null,
                        List.of(col("id", "bigint", 2L), col("name", "text", "new"), col("qty", "integer", 7L)))), BIG);
        assertThat(f.shapes.get(ORDERS).columns()).containsExactly("id", "name", "qty");
        assertThat(f.table(ORDERS)).containsExactly(Map.entry("[1]", "[1, old, null]"), Map.entry("[2]", "[2, new, 7]"));
    }

    @Test
    void aKeyOnlyDeleteDoesNotShrinkTheTablesColumns() {
        // REPLICA IDENTITY DEFAULT: a DELETE's old row holds the key alone, and it may be the newest event
        Folded f = fold(List.of(
                insert(T, ORDERS, 10, 100, 1, "a"),
                insert(T, ORDERS, 10, 101, 2, "b"),
                event(T, ORDERS, Op.DELETE, 20, 200, 1, key(2), List.of(col("id", "bigint", 2L)), null)), BIG);
        assertThat(f.shapes.get(ORDERS).columns()).containsExactly("id", "name");
        assertThat(f.table(ORDERS)).containsExactly(Map.entry("[1]", "[1, a]"));
    }

    @Test
    void everyValueOfTheUnionSurvivesTheCompactForm() {
        Folded f = fold(List.of(event(T, ORDERS, Op.READ, 10, 100, 0, key(1), null, List.of(
                col("id", "bigint", 1L), col("b", "boolean", true), col("d", "double precision", -0.0),
                col("s", "text", "tab\there ü"), col("x", "bytea", ByteBuffer.wrap(new byte[] {0, (byte) 0xff})),
                col("n", "numeric", null), col("big", "bigint", Long.MIN_VALUE)))), BIG);
        assertThat(f.table(ORDERS).get("[1]")).isEqualTo("[1, true, -0.0, tab\there ü, x00ff, null, -9223372036854775808]");
    }

    @Test
    void aTextColumnAskedAsUtf8ComesAsTheBytesTheBackupHolds() {
        ShapeCatalog catalog = new ShapeCatalog();
        EventConverter converter = new EventConverter(catalog, BIG);
        List<Object[]> rows = new ArrayList<>();
        try (ChangeFolder folder = new ChangeFolder(catalog, new FoldMemory(BIG, spill, 4))) {
            converter.convert(event(T, ORDERS, Op.READ, 10, 100, 0, key(1), null, List.of(col("id", "bigint", 1L),
                    col("s", "text", "tab\there ü"), col("t", "text", "not asked"), col("x", "bytea", ByteBuffer.wrap(new byte[] {7})))),
                    folder::accept);
            RowDecoder decoder = new RowDecoder(catalog);
            folder.drain(new FoldDrain() {
                @Override
                public void upsert(int tableId, byte[] key, byte[] version) {
                    rows.add(decoder.row(key, version, folder.finalShape(tableId), new boolean[] {false, true, false, false}));
                }

                @Override
                public void tombstone(int tableId, byte[] key, byte[] version) {
                }
            });
        }
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0)[0]).isEqualTo(1L);
        assertThat(rows.get(0)[1]).isEqualTo("tab\there ü".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(rows.get(0)[2]).isEqualTo("not asked");
        assertThat(rows.get(0)[3]).isEqualTo(new byte[] {7});
    }

    @Test
    void checkpointsAreNotRows() {
        Folded f = fold(List.of(dev.strata.schemas.TestEvents.checkpoint(T, 100, 10), insert(T, ORDERS, 10, 101, 1, "a")), BIG);
        assertThat(f.rows).containsOnlyKeys(ORDERS);
    }

    @Test
    void overTheMemoryBudgetItFoldsOnDiskWithTheSameResult() {
        List<ChangeEvent> history = new ArrayList<>();
        Random random = new Random(11);
        long lsn = 0;
        for (int i = 0; i < 5000; i++) {
            lsn += 3;
            long id = random.nextInt(1500);
            switch (random.nextInt(12)) {
                case 0 -> history.add(delete(T, ORDERS, lsn, lsn, id));
                case 1 -> history.add(truncate(T, "t_a.notes", lsn, lsn));
                case 2, 3 -> history.add(insert(T, "t_a.notes", lsn, lsn, id, "n" + i));
                default -> history.add(update(T, ORDERS, lsn, lsn, id, "o" + i));
            }
        }
        history.addAll(history.subList(2000, 2600));
        Folded inMemory = fold(history, BIG);
        Folded onDisk = Folded.of(history, BIG, 20_000, spill);
        assertThat(onDisk.stats.spilledBytes()).isPositive();
        assertThat(onDisk.stats.partitions()).isEqualTo(4);
        assertThat(onDisk.rows).isEqualTo(inMemory.rows);
        assertThat(onDisk.tombstones).isEqualTo(inMemory.tombstones);
        assertThat(spill).isEmptyDirectory();
    }

    @Test
    void readerThreadsFoldingSegmentsAtOnceGiveTheSameResultInMemoryAndOnDisk() throws Exception {
        List<ChangeEvent> history = new ArrayList<>();
        Random random = new Random(5);
        for (long lsn = 1; lsn <= 20_000; lsn++) {
            long id = random.nextInt(3000);
            history.add(random.nextInt(10) == 0 ? delete(T, ORDERS, lsn, lsn, id) : update(T, ORDERS, lsn, lsn, id, "v" + lsn));
        }
        history.add(truncate(T, ORDERS, 15_000, 15_000));
        history.addAll(history.subList(5000, 7000));
        Folded expected = fold(history, BIG);
        for (long budget : new long[] {BIG, 200_000}) {
            ShapeCatalog catalog = new ShapeCatalog();
            EventConverter converter = new EventConverter(catalog, BIG);
            Map<String, String> rows = new java.util.TreeMap<>();
            try (ChangeFolder folder = new ChangeFolder(catalog, new FoldMemory(budget, spill, 4))) {
                List<Thread> readers = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    List<ChangeEvent> mine = history.subList(t * history.size() / 4, (t + 1) * history.size() / 4);
                    readers.add(new Thread(() -> {
                        List<FoldOp> ops = new ArrayList<>();
                        mine.forEach(e -> converter.convert(e, ops::add));
                        for (int i = 0; i < ops.size(); i += 100) {
                            folder.acceptAll(ops.subList(i, Math.min(ops.size(), i + 100)));
                        }
                    }));
                }
                readers.forEach(Thread::start);
                for (Thread r : readers) {
                    r.join();
                }
                RowDecoder decoder = new RowDecoder(catalog);
                folder.drain(new FoldDrain() {
                    @Override
                    public void upsert(int tableId, byte[] key, byte[] version) {
                        rows.put(java.util.Arrays.toString(decoder.key(key)), Folded.render(decoder.row(version, folder.finalShape(tableId))));
                    }

                    @Override
                    public void tombstone(int tableId, byte[] key, byte[] version) {
                    }
                });
                assertThat(folder.stats().spilledBytes() > 0).isEqualTo(budget != BIG);
            }
            assertThat(rows).as("budget %d", budget).isEqualTo(expected.table(ORDERS));
        }
    }
}
