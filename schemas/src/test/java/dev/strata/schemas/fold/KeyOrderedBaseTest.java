package dev.strata.schemas.fold;

import static dev.strata.schemas.testing.Changes.col;
import static dev.strata.schemas.testing.Changes.delete;
import static dev.strata.schemas.testing.Changes.event;
import static dev.strata.schemas.testing.Changes.insert;
import static dev.strata.schemas.testing.Changes.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Op;
import dev.strata.schemas.base.BaseBuilder;
import dev.strata.schemas.base.BaseLoader;
import dev.strata.schemas.base.BaseTable;
import dev.strata.schemas.fold.drain.FoldDrain;
import dev.strata.schemas.layout.BaseCut;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A base whose table holds its rows in key order, streamed past the fold of the log after it: the
 * log's keys are handed over where they fall among the base's rows (one ascending run), each once,
 * as the fold of the whole log has them.
 */
class KeyOrderedBaseTest {
    private static final String ORDERS = "public.orders";
    private static final long BIG = Long.MAX_VALUE;

    @TempDir
    Path dir;

    @Test
    void aStreamedBaseHandsTheLogsKeysOverBetweenItsRowsInKeyOrder() throws IOException {
        List<ChangeEvent> log = List.of(
                insert("acme", ORDERS, 1, 100, 1, "a"),
                insert("acme", ORDERS, 1, 110, 2, "b"),
                insert("acme", ORDERS, 1, 120, 3, "c"),
                insert("acme", ORDERS, 1, 130, 5, "e"),
                update("acme", ORDERS, 2, 200, 2, "b2"),
                delete("acme", ORDERS, 3, 300, 3),
                insert("acme", ORDERS, 4, 400, 4, "d"),
                insert("acme", ORDERS, 4, 410, 9, "i"),
                insert("acme", ORDERS, 4, 420, -7, "minus"));
        BaseBuilder.Built built = FoldFromBaseTest.build(log, 1, BIG, Files.createTempDirectory(dir, "base"), new BaseCut(1, 100), dir);
        BaseTable orders = built.tables().get(0);
        assertThat(orders.keyOrdered()).as("every key one integer: the manifest says the rows are in key order").isTrue();
        assertThat(streamedAfterTheLog(log, built, orders)).as("the log's keys among the base's, each once, the newest version")
                .containsExactly("[-7] minus", "[1] a", "[2] b2", "deleted [3]", "[4] d", "[5] e", "[9] i");
        BaseTable olderBase = new BaseTable(orders.table(), orders.rows(), orders.tombstones(), orders.size(), orders.sha256(),
                orders.shapes(), orders.finalShape(), orders.finalShapeAt(), orders.truncatedAt(), false);
        assertThat(streamedAfterTheLog(log, built, olderBase)).as("a base that does not say so: the keys the log changed are"
                + " folded, the rest handed over straight").containsExactly("[1] a", "[5] e");
    }

    @Test
    void aTableWhoseRowsAreNotInTheKeyOrderItsManifestSaysIsRefusedNamingIt() throws IOException {
        List<ChangeEvent> log = List.of(insert("acme", ORDERS, 1, 100, 1, "a"),
                event("acme", ORDERS, Op.CREATE, 1, 110, 2, List.of(col("id", "text", "x")), null, List.of(col("id", "text", "x"))),
                update("acme", ORDERS, 2, 200, 1, "a2"));
        BaseBuilder.Built built = FoldFromBaseTest.build(log, 1, BIG, Files.createTempDirectory(dir, "base"), new BaseCut(1, 100), dir);
        BaseTable orders = built.tables().get(0);
        assertThat(orders.keyOrdered()).as("a text key among the integers").isFalse();
        BaseTable claimed = new BaseTable(orders.table(), orders.rows(), orders.tombstones(), orders.size(), orders.sha256(),
                orders.shapes(), orders.finalShape(), orders.finalShapeAt(), orders.truncatedAt(), true);
        assertThatThrownBy(() -> streamedAfterTheLog(log, built, claimed)).hasMessageContaining("base object " + ORDERS)
                .hasMessageContaining("is not one integer");
    }

    @Test
    void aTargetFailingWhileTheLogsKeysAreHandedOverFailsWithItsOwnError() throws IOException {
        List<ChangeEvent> log = List.of(insert("acme", ORDERS, 1, 100, 1, "a"), insert("acme", ORDERS, 1, 110, 3, "c"),
                insert("acme", ORDERS, 2, 200, 2, "b"), insert("acme", ORDERS, 2, 210, 4, "d"));
        BaseBuilder.Built built = FoldFromBaseTest.build(log, 1, BIG, Files.createTempDirectory(dir, "base"), new BaseCut(1, 100), dir);
        for (int failing = 1; failing <= 4; failing++) { // a base row, a key of the log between rows, after the last row
            int at = failing;
            int[] rows = {0};
            ShapeCatalog catalog = new ShapeCatalog();
            try (ChangeFolder folder = new ChangeFolder(catalog, new FoldMemory(BIG, dir, 4))) {
                EventConverter converter = new EventConverter(catalog, BIG);
                log.stream().filter(e -> e.getCommitTsMicros() > 1).forEach(e -> converter.convert(e, folder::accept));
                FoldDrain full = new FoldDrain() {
                    @Override
                    public void upsert(int tableId, byte[] key, byte[] version) {
                        if (++rows[0] == at) {
                            throw new IllegalStateException("the target is full at row " + at);
                        }
                    }

                    @Override
                    public void tombstone(int tableId, byte[] key, byte[] version) {
                    }
                };
                BaseTable orders = built.tables().get(0);
                assertThatThrownBy(() -> BaseLoader.stream(orders, built.files().get(ORDERS), ORDERS, catalog, folder, full))
                        .isExactlyInstanceOf(IllegalStateException.class).hasMessage("the target is full at row " + at);
            }
        }
    }

    @Test
    void aBaseRowNewerThanTheVersionTheFoldHoldsWins() throws IOException {
        // a segment straddling the cut gives the fold changes from before it: here key 1's older version only
        ChangeEvent older = insert("acme", ORDERS, 1, 100, 1, "old");
        List<ChangeEvent> log = List.of(older, update("acme", ORDERS, 2, 200, 1, "new"), insert("acme", ORDERS, 1, 110, 2, "b"),
                insert("acme", ORDERS, 2, 210, 3, "c"), update("acme", ORDERS, 3, 300, 2, "b3"), update("acme", ORDERS, 3, 310, 3, "c"));
        BaseBuilder.Built built = FoldFromBaseTest.build(log, 2, BIG, Files.createTempDirectory(dir, "base"), new BaseCut(2, 200), dir);
        assertThat(streamed(List.of(older, log.get(4), log.get(5), log.get(5)), built, built.tables().get(0)))
                .as("key 1: the base's newer row; key 2: the log's; key 3: the log's, stored twice").containsExactly("[1] new", "[2] b3", "[3] c");
    }

    /** The log after the base's cut (time 1) folded, then the table streamed past it with the fold's keys handed over too. */
    private List<String> streamedAfterTheLog(List<ChangeEvent> log, BaseBuilder.Built built, BaseTable table) {
        return streamed(log.stream().filter(e -> e.getCommitTsMicros() > 1).toList(), built, table);
    }

    /** {@code folded} folded, then the table streamed past it with the fold's keys handed over too. */
    private List<String> streamed(List<ChangeEvent> folded, BaseBuilder.Built built, BaseTable table) {
        ShapeCatalog catalog = new ShapeCatalog();
        List<String> handedOver = new ArrayList<>();
        try (ChangeFolder folder = new ChangeFolder(catalog, new FoldMemory(BIG, dir, 4))) {
            EventConverter converter = new EventConverter(catalog, BIG);
            folded.forEach(e -> converter.convert(e, folder::accept));
            RowDecoder decoder = new RowDecoder(catalog);
            FoldDrain drain = new FoldDrain() {
                @Override
                public void upsert(int tableId, byte[] key, byte[] version) {
                    Object[] row = decoder.row(key, version, folder.finalShape(tableId));
                    handedOver.add(Arrays.toString(decoder.key(key)) + " " + row[row.length - 1]);
                }

                @Override
                public void tombstone(int tableId, byte[] key, byte[] version) {
                    handedOver.add("deleted " + Arrays.toString(decoder.key(key)));
                }
            };
            BaseLoader.stream(table, built.files().get(table.table()), table.table(), catalog, folder, drain);
        }
        return handedOver;
    }
}
