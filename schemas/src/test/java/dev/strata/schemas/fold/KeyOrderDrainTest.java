package dev.strata.schemas.fold;

import static dev.strata.schemas.testing.Changes.col;
import static dev.strata.schemas.testing.Changes.delete;
import static dev.strata.schemas.testing.Changes.event;
import static dev.strata.schemas.testing.Changes.insert;
import static dev.strata.schemas.testing.Changes.update;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Op;
import dev.strata.schemas.fold.drain.FoldDrain;
import dev.strata.schemas.fold.order.IntegerKeyOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ChangeFolder#drainInKeyOrder}: what a base is written from. */
class KeyOrderDrainTest {
    private static final String T = "acme";
    private static final String ORDERS = "public.orders";
    private static final String NOTES = "public.notes";
    private static final long BIG = Long.MAX_VALUE;

    @TempDir
    Path spill;

    @Test
    void aTableKeyedByOneIntegerDrainsItsRowsAndTombstonesInKeyOrder() {
        List<ChangeEvent> history = new ArrayList<>();
        Random random = new Random(3);
        long lsn = 0;
        long[] edges = {Long.MIN_VALUE, Long.MIN_VALUE + 1, -1, 0, 1, 127, 128, Long.MAX_VALUE};
        for (long id : edges) {
            history.add(insert(T, ORDERS, ++lsn, lsn, id, "edge"));
        }
        for (int i = 0; i < 20_000; i++) {
            long id = random.nextInt(1 << 20) - (1 << 19);
            lsn++;
            history.add(random.nextInt(8) == 0 ? delete(T, ORDERS, lsn, lsn, id) : update(T, ORDERS, lsn, lsn, id, "v" + i));
        }
        Drained ordered = drain(history, BIG, true);
        Drained plain = drain(history, BIG, false);

        List<Long> keys = ordered.keysInOrder.get(ORDERS);
        List<Long> sorted = new ArrayList<>(keys);
        sorted.sort(null);
        assertThat(keys).isEqualTo(sorted).doesNotHaveDuplicates();
        assertThat(keys).startsWith(Long.MIN_VALUE, Long.MIN_VALUE + 1).endsWith(Long.MAX_VALUE);
        assertThat(plain.keysInOrder.get(ORDERS)).as("the plain drain is in hash order").isNotEqualTo(sorted);
        assertThat(ordered.rows).isEqualTo(plain.rows);
        assertThat(ordered.rows.get("tombstones " + ORDERS)).isNotEmpty();
    }

    @Test
    void aTableWithAnotherKeyDrainsWhatTheFoldHoldsAsDrainDoes() {
        List<ChangeEvent> history = new ArrayList<>();
        for (long i = 1; i <= 300; i++) {
            history.add(event(T, NOTES, Op.CREATE, i, i, 1, List.of(col("slug", "text", "note-" + i)), null,
                    List.of(col("slug", "text", "note-" + i), col("body", "text", "b" + i))));
            history.add(event(T, ORDERS, Op.CREATE, i, i, 2, List.of(col("shop", "bigint", i % 7), col("id", "bigint", i)), null,
                    List.of(col("shop", "bigint", i % 7), col("id", "bigint", i))));
        }
        Drained ordered = drain(history, BIG, true);
        Drained plain = drain(history, BIG, false);
        assertThat(ordered.rows).isEqualTo(plain.rows);
        assertThat(ordered.rows.get(NOTES)).hasSize(300);
        assertThat(ordered.rows.get(ORDERS)).hasSize(300);
        assertThat(ordered.order).isEqualTo(plain.order);
    }

    @Test
    void aFoldOnDiskDrainsAsDrainDoes() {
        List<ChangeEvent> history = new ArrayList<>();
        Random random = new Random(7);
        for (long lsn = 1; lsn <= 5000; lsn++) {
            long id = random.nextInt(1500);
            history.add(random.nextInt(10) == 0 ? delete(T, ORDERS, lsn, lsn, id) : update(T, ORDERS, lsn, lsn, id, "v" + lsn));
        }
        Drained ordered = drain(history, 20_000, true);
        assertThat(ordered.spilled).isTrue();
        assertThat(ordered.order).isEqualTo(drain(history, 20_000, false).order);
        assertThat(ordered.rows).isEqualTo(drain(history, BIG, false).rows);
    }

    @Test
    void aSerialKeyWrittenOutOfOrderDrainsInKeyOrder() {
        List<Long> ids = new ArrayList<>();
        for (long id = 1; id <= 70_000; id++) { // three bytes of the integers differ: an odd number of the sort's passes
            ids.add(id);
        }
        java.util.Collections.shuffle(ids, new Random(5));
        List<ChangeEvent> history = new ArrayList<>();
        long lsn = 0;
        for (long id : ids) {
            history.add(insert(T, ORDERS, ++lsn, lsn, id, "r" + id));
        }
        Drained ordered = drain(history, BIG, true);
        List<Long> keys = ordered.keysInOrder.get(ORDERS);
        assertThat(keys).hasSize(70_000).isSorted();
        assertThat(ordered.rows).isEqualTo(drain(history, BIG, false).rows);
    }

    @Test
    void aTableWhoseKeysAreNotAllIntegersDrainsAsDrainDoes() {
        List<ChangeEvent> history = new ArrayList<>();
        for (long id = 1; id <= 500; id++) {
            history.add(insert(T, ORDERS, id, id, id, "r" + id));
        }
        history.add(event(T, ORDERS, Op.CREATE, 501, 501, 1, List.of(col("id", "text", "x-1")), null,
                List.of(col("id", "text", "x-1"), col("name", "text", "a text key"))));
        Drained ordered = drain(history, BIG, true);
        Drained plain = drain(history, BIG, false);
        assertThat(ordered.order).isEqualTo(plain.order);
        assertThat(ordered.rows.get(ORDERS)).hasSize(501);
    }

    @Test
    void keysWhoseOrderWouldNotFitTheMemoryBudgetDrainAsDrainDoes() {
        List<ChangeEvent> history = new ArrayList<>();
        Random random = new Random(9);
        for (long lsn = 1; lsn <= 3000; lsn++) {
            history.add(update(T, ORDERS, lsn, lsn, random.nextInt(2000), "v" + lsn));
        }
        long[] held = new long[2];
        drain(history, BIG, true, folder -> {
            held[0] = folder.heldBytes();
            held[1] = folder.liveRows();
        });
        long fits = held[0] + IntegerKeyOrder.BYTES_PER_KEY * held[1];
        Drained tight = drain(history, fits - 1, true);
        assertThat(tight.spilled).isFalse();
        assertThat(tight.order).isEqualTo(drain(history, fits - 1, false).order);
        assertThat(tight.keysInOrder.get(ORDERS)).isNotEqualTo(drain(history, fits, true).keysInOrder.get(ORDERS));
        assertThat(drain(history, fits, true).keysInOrder.get(ORDERS)).isSorted();
    }

    @Test
    void onlyAKeyOfExactlyOneIntegerValueIsOrdered() {
        assertThat(RowKey.singleInteger(key(42L), 0, key(42L).length)).hasValue(42);
        assertThat(RowKey.singleInteger(key(Long.MIN_VALUE), 0, key(Long.MIN_VALUE).length)).hasValue(Long.MIN_VALUE);
        assertThat(RowKey.singleInteger(key(1L, 2L), 0, key(1L, 2L).length)).as("two values").isEmpty();
        assertThat(RowKey.singleInteger(key("42"), 0, key("42").length)).as("text").isEmpty();
        byte[] cut = Arrays.copyOf(key(1L << 40), key(1L << 40).length - 1);
        assertThat(RowKey.singleInteger(cut, 0, cut.length)).as("a varint cut short").isEmpty();
        assertThat(RowKey.singleInteger(new byte[] {1, RowCodec.LONG}, 0, 2)).as("no value").isEmpty();
        byte[] overlong = new byte[14];
        Arrays.fill(overlong, (byte) 0x80);
        overlong[0] = 1;
        overlong[1] = RowCodec.LONG;
        overlong[13] = 1;
        assertThat(RowKey.singleInteger(overlong, 0, overlong.length)).as("a varint of more than ten bytes").isEmpty();
        assertThat(RowKey.singleInteger(new byte[] {1, RowCodec.LONG, (byte) 0x80, 0})).as("zero in two bytes").isEmpty();
        assertThat(RowKey.singleInteger(new byte[] {1, RowCodec.LONG, (byte) 0x84, 0})).as("two in two bytes").isEmpty();
        assertThat(RowKey.singleInteger(new byte[] {1, RowCodec.LONG, 0})).as("zero").hasValue(0);
        assertThat(RowKey.singleInteger(key(Long.MAX_VALUE))).hasValue(Long.MAX_VALUE);
        byte[] past64 = key(Long.MIN_VALUE);
        past64[past64.length - 1] = 3;
        assertThat(RowKey.singleInteger(past64)).as("a tenth byte with bits past the 64th").isEmpty();
        byte[] framed = new byte[key(-5L).length + 2];
        System.arraycopy(key(-5L), 0, framed, 1, key(-5L).length);
        assertThat(RowKey.singleInteger(framed, 1, key(-5L).length)).as("within a larger array").hasValue(-5);
    }

    private static byte[] key(Object... values) {
        return KeyBytes.of(values);
    }

    /** Rows (and tombstones, under "tombstones TABLE") by table, and the order the drain handed keys over in. */
    private static final class Drained {
        final Map<String, Map<String, String>> rows = new TreeMap<>();
        final Map<String, List<Long>> keysInOrder = new TreeMap<>();
        final List<String> order = new ArrayList<>();
        boolean spilled;
    }

    private Drained drain(List<ChangeEvent> history, long budget, boolean inKeyOrder) {
        return drain(history, budget, inKeyOrder, folder -> { });
    }

    /** @param folded sees the folder after the history is folded, before it is drained */
    private Drained drain(List<ChangeEvent> history, long budget, boolean inKeyOrder, java.util.function.Consumer<ChangeFolder> folded) {
        ShapeCatalog catalog = new ShapeCatalog();
        EventConverter converter = new EventConverter(catalog, BIG);
        Drained result = new Drained();
        try (ChangeFolder folder = new ChangeFolder(catalog, new FoldMemory(budget, spill, 4))) {
            history.forEach(e -> converter.convert(e, folder::accept));
            folded.accept(folder);
            RowDecoder decoder = new RowDecoder(catalog);
            FoldDrain drain = new FoldDrain() {
                @Override
                public void upsert(int tableId, byte[] key, byte[] version) {
                    handed(catalog.table(tableId), decoder.key(key), Folded.render(decoder.row(key, version, folder.finalShape(tableId))));
                }

                @Override
                public void tombstone(int tableId, byte[] key, byte[] version) {
                    handed(catalog.table(tableId), decoder.key(key), "deleted");
                }

                private void handed(String table, Object[] key, String row) {
                    String name = row.equals("deleted") ? "tombstones " + table : table;
                    assertThat(result.rows.computeIfAbsent(name, t -> new TreeMap<>()).put(Arrays.toString(key), row)).isNull();
                    result.order.add(table + Arrays.toString(key));
                    if (key.length == 1 && key[0] instanceof Long id) {
                        result.keysInOrder.computeIfAbsent(table, t -> new ArrayList<>()).add(id);
                    }
                }
            };
            if (inKeyOrder) {
                folder.drainInKeyOrder(drain);
            } else {
                folder.drain(drain);
            }
            result.spilled = folder.stats().spilledBytes() > 0;
        }
        return result;
    }
}
