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

/** When the fold answers that a change older than a position loses to what it holds, so a reader need not decode it. */
class SupersedesBeforeTest {
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

    private static boolean supersedes(ChangeFolder folder, FoldOp held, long lsn, long txOrder) {
        return folder.supersedesBefore(held.tableId(), held.key(), held.key().length, lsn, txOrder);
    }

    @Test
    void aVersionHeldFromThePositionOnSupersedesTheChangesBeforeIt() {
        try (ChangeFolder folder = folder()) {
            FoldOp held = op(update(T, ORDERS, 200, 200, 1, "a"));
            folder.accept(held);
            assertThat(supersedes(folder, held, held.lsn(), held.txOrder())).isTrue();
            assertThat(supersedes(folder, held, held.lsn() - 50, 0)).isTrue();
            assertThat(supersedes(folder, held, held.lsn(), held.txOrder() + 1)).as("held before the position").isFalse();
            assertThat(supersedes(folder, held, held.lsn() + 50, 0)).isFalse();

            FoldOp other = op(update(T, ORDERS, 200, 200, 2, "b"));
            assertThat(supersedes(folder, other, 0, 0)).as("a key not held").isFalse();
            FoldOp otherTable = op(update(T, "public.lines", 200, 200, 1, "a"));
            assertThat(supersedes(folder, otherTable, 0, 0)).as("the same key of another table").isFalse();

            // the decoder asks with its reused buffer: only the first length bytes are the key
            byte[] buffer = Arrays.copyOf(held.key(), held.key().length + 9);
            buffer[held.key().length] = 7;
            assertThat(folder.supersedesBefore(held.tableId(), buffer, held.key().length, 0, 0)).isTrue();
            assertThat(folder.supersedesBefore(held.tableId(), buffer, held.key().length + 1, 0, 0)).isFalse();
        }
    }

    @Test
    void aDeletionSupersedesTheChangesBeforeIt() {
        try (ChangeFolder folder = folder()) {
            FoldOp deleted = op(delete(T, ORDERS, 300, 300, 1));
            folder.accept(deleted);
            assertThat(supersedes(folder, deleted, 100, 0)).isTrue();
        }
    }

    @Test
    void aVersionWithAValueAnOlderChangeFillsSupersedesNothing() {
        try (ChangeFolder folder = folder()) {
            FoldOp untouched = op(event(T, ORDERS, Op.UPDATE, 300, 300, 1, key(1), null,
                    List.of(col("id", "bigint", 1L), col("body", "text", Unsent.UNCHANGED))));
            folder.accept(untouched);
            assertThat(supersedes(folder, untouched, 100, 0)).isFalse();
        }
    }

    @Test
    void aFoldSpilledToDiskSupersedesNothing() {
        try (ChangeFolder folder = new ChangeFolder(catalog, new FoldMemory(1, spill, 4))) {
            FoldOp held = op(update(T, ORDERS, 200, 200, 1, "a"));
            folder.accept(held);
            assertThat(folder.liveRows()).as("spilled").isEqualTo(-1);
            assertThat(supersedes(folder, held, 0, 0)).isFalse();
        }
    }

    @Test
    void changesLeftUnreadCountAsSupersededChanges() {
        try (ChangeFolder folder = folder()) {
            folder.accept(op(update(T, ORDERS, 200, 200, 1, "a")));
            folder.accept(op(update(T, ORDERS, 100, 100, 1, "older")));
            folder.superseded(3);
            assertThat(folder.stats().changes()).isEqualTo(5);
            assertThat(folder.stats().superseded()).isEqualTo(4);
        }
    }
}
