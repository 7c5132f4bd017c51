package dev.strata.schemas.fold;

import static dev.strata.schemas.testing.Changes.col;
import static dev.strata.schemas.testing.Changes.delete;
import static dev.strata.schemas.testing.Changes.event;
import static dev.strata.schemas.testing.Changes.key;
import static dev.strata.schemas.testing.Changes.update;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Op;
import dev.strata.schemas.avro.Unsent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When the fold answers that a change loses to the row it holds, so that a reader need not decode it. */
class SupersedesTest {
    private static final String T = "acme";
    private static final String ORDERS = "public.orders";

    @TempDir
    Path spill;
    private final ShapeCatalog catalog = new ShapeCatalog();

    private FoldOp op(ChangeEvent event) {
        List<FoldOp> ops = new ArrayList<>();
        new EventConverter(catalog, Long.MAX_VALUE).convert(event, ops::add);
        return ops.get(0);
    }

    private ChangeFolder folder() {
        return new ChangeFolder(catalog, new FoldMemory(64L << 20, spill, 4));
    }

    /** An UPDATE of key 1 at {@code lsn} whose body is {@code body} ({@link Unsent#UNCHANGED}: not carried). */
    private static ChangeEvent withBody(long lsn, Object body) {
        return event(T, ORDERS, Op.UPDATE, lsn, lsn, 1, key(1), null, List.of(col("id", "bigint", 1L), col("body", "text", body)));
    }

    private static boolean supersedes(ChangeFolder folder, FoldOp held, long lsn, long txOrder) {
        return folder.supersedes(held.tableId(), held.key(), held.key().length, lsn, txOrder);
    }

    private static boolean holdsWholeRow(ChangeFolder folder, FoldOp held) {
        return folder.holdsWholeRow(held.tableId(), held.key(), held.key().length);
    }

    @Test
    void aRowHeldNewerThanTheChangeSupersedesIt() {
        try (ChangeFolder folder = folder()) {
            FoldOp held = op(update(T, ORDERS, 200, 200, 1, "a"));
            folder.accept(held);
            assertThat(holdsWholeRow(folder, held)).isTrue();
            assertThat(supersedes(folder, held, held.lsn() - 50, 0)).isTrue();
            assertThat(supersedes(folder, held, held.lsn(), held.txOrder() - 1)).isTrue();
            assertThat(supersedes(folder, held, held.lsn(), held.txOrder())).as("a copy: the fold counts it as one").isFalse();
            assertThat(supersedes(folder, held, held.lsn(), held.txOrder() + 1)).as("newer in its transaction").isFalse();
            assertThat(supersedes(folder, held, held.lsn() + 50, 0)).isFalse();

            FoldOp other = op(update(T, ORDERS, 200, 200, 2, "b"));
            assertThat(holdsWholeRow(folder, other)).as("a key not held").isFalse();
            assertThat(supersedes(folder, other, 0, 0)).isFalse();
            FoldOp otherTable = op(update(T, "public.lines", 200, 200, 1, "a"));
            assertThat(supersedes(folder, otherTable, 0, 0)).as("the same key of another table").isFalse();

            // the decoder asks with its reused buffer: only the first length bytes are the key
            byte[] buffer = Arrays.copyOf(held.key(), held.key().length + 9);
            buffer[held.key().length] = 7;
            assertThat(folder.supersedes(held.tableId(), buffer, held.key().length, 0, 0)).isTrue();
            assertThat(folder.supersedes(held.tableId(), buffer, held.key().length + 1, 0, 0)).isFalse();
        }
    }

    @Test
    void aDeletionSupersedesNothingUnread() {
        // the change is decoded: its image may be the table's newest, whose columns the deletion does not say
        try (ChangeFolder folder = folder()) {
            FoldOp deleted = op(delete(T, ORDERS, 300, 300, 1));
            folder.accept(deleted);
            assertThat(holdsWholeRow(folder, deleted)).isFalse();
            assertThat(supersedes(folder, deleted, 100, 0)).isFalse();
        }
    }

    @Test
    void aRowWithAValueAnOlderChangeFillsSupersedesNothingUnread() {
        try (ChangeFolder folder = folder()) {
            FoldOp untouched = op(withBody(300, Unsent.UNCHANGED));
            folder.accept(untouched);
            assertThat(holdsWholeRow(folder, untouched)).isFalse();
            assertThat(supersedes(folder, untouched, 100, 0)).isFalse();
        }
    }

    @Test
    void aRowWhoseValueAnOlderChangeFilledSupersedesNothingUnread() {
        // the filled value remembers its source: a change newer than that source, still older than the row, fills it again
        try (ChangeFolder folder = folder()) {
            FoldOp untouched = op(withBody(300, Unsent.UNCHANGED));
            folder.accept(untouched);
            folder.accept(op(withBody(100, "at 100")));
            assertThat(holdsWholeRow(folder, untouched)).isFalse();
            assertThat(supersedes(folder, untouched, 200, 0)).isFalse();
        }
    }

    @Test
    void aFoldSpilledToDiskSupersedesNothingUnread() {
        try (ChangeFolder folder = new ChangeFolder(catalog, new FoldMemory(1, spill, 4))) {
            FoldOp held = op(update(T, ORDERS, 200, 200, 1, "a"));
            folder.accept(held);
            assertThat(folder.liveRows()).as("spilled").isEqualTo(-1);
            assertThat(holdsWholeRow(folder, held)).isFalse();
            assertThat(supersedes(folder, held, 0, 0)).isFalse();
        }
    }

    @Test
    void aChangeLeftUnreadCountsAsASupersededChangeAndAQuestionAsNothing() {
        try (ChangeFolder folder = folder()) {
            FoldOp held = op(update(T, ORDERS, 200, 200, 1, "a"));
            folder.accept(held);
            folder.accept(op(update(T, ORDERS, 100, 100, 1, "older")));
            assertThat(holdsWholeRow(folder, held)).isTrue();
            assertThat(supersedes(folder, held, 150, 0)).isTrue();
            assertThat(supersedes(folder, held, 250, 0)).isFalse();
            assertThat(folder.stats().changes()).isEqualTo(3);
            assertThat(folder.stats().superseded()).isEqualTo(2);
        }
    }
}
