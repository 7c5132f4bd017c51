package dev.strata.restore.replay;

import dev.strata.schemas.fold.ChangeFolder;
import dev.strata.schemas.fold.FoldOp;
import dev.strata.schemas.fold.FoldPosition;
import dev.strata.schemas.fold.ShapeCatalog;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Which keys a restore folds, per table, by the fold's own key bytes: a rollback that needs the
 * state at its point of only the keys changed since folds those and drops every other change before
 * it reaches the fold. A dropped row image still tells which columns its table had when
 * ({@link ChangeFolder#noteShape}), so each table gets the columns the whole fold would give it.
 * TRUNCATEs always pass: they are the table's, not a key's.
 */
public final class KeyFilter {
    /** Every key: the filter of a whole restore. */
    public static final KeyFilter ALL = new KeyFilter(null);

    private final Map<String, Set<Key>> keys;

    /** @param keys per table name, the keys to fold; null: every key */
    private KeyFilter(Map<String, Set<Key>> keys) {
        this.keys = keys;
    }

    /** Only these keys, by table name; a table not named folds no row. */
    public static KeyFilter only(Map<String, Set<Key>> keys) {
        return new KeyFilter(Map.copyOf(keys));
    }

    /** Whether this filter folds every key (the decoder then need not ask). */
    boolean all() {
        return keys == null;
    }

    /** One reader thread's filter over one segment; {@link Pass#close} hands the dropped images' shapes to the fold. */
    Pass pass(ShapeCatalog catalog, ChangeFolder folder) {
        return new Pass(catalog, folder);
    }

    /** A key as the fold encodes it, compared by content. */
    public record Key(ByteBuffer bytes) {
        public static Key of(byte[] bytes) {
            return new Key(ByteBuffer.wrap(bytes).asReadOnlyBuffer());
        }

        /** ByteBuffer's own hash is a polynomial of base 31: small varint keys would cluster in few buckets; this spreads them. */
        @Override
        public int hashCode() {
            int h = bytes.hashCode() * 0x9e3779b9;
            return h ^ (h >>> 15);
        }
    }

    final class Pass {
        private final ShapeCatalog catalog;
        private final ChangeFolder folder;
        private final Map<Integer, Set<Key>> byTable = new HashMap<>();
        /** Per table, the newest dropped row image's position and shape: {lsn, txOrder, shapeId}. */
        private final Map<Integer, long[]> droppedShapes = new HashMap<>();

        private Pass(ShapeCatalog catalog, ChangeFolder folder) {
            this.catalog = catalog;
            this.folder = folder;
        }

        boolean keep(FoldOp op) {
            if (keys == null || op.kind() == FoldOp.Kind.TRUNCATE) {
                return true;
            }
            if (wants(op.tableId(), op.key(), op.key().length)) {
                return true;
            }
            dropped(op.tableId(), op.kind() == FoldOp.Kind.UPSERT ? op.shapeId() : -1, op.lsn(), op.txOrder());
            return false;
        }

        /** Whether the key ({@code key[0..length)}, as the fold encodes it) of a change of that table is folded. */
        boolean wants(int tableId, byte[] key, int length) {
            if (keys == null) {
                return true;
            }
            Set<Key> wanted = byTable.computeIfAbsent(tableId, id -> keys.getOrDefault(catalog.table(id), Set.of()));
            return !wanted.isEmpty() && wanted.contains(new Key(ByteBuffer.wrap(key, 0, length)));
        }

        /** A change not folded: its table is noted, and its new image's shape if it is the newest ({@code newImageShape} -1: none). */
        void dropped(int tableId, int newImageShape, long lsn, long txOrder) {
            // noted even without a shape: the table had a change, so the fold lists it as the whole fold would
            long[] newest = droppedShapes.computeIfAbsent(tableId, id -> new long[] {Long.MIN_VALUE, Long.MIN_VALUE, -1});
            // as the fold tracks shapes: only new row images say which columns the table has
            if (newImageShape >= 0 && FoldOp.compareOrder(lsn, txOrder, newest[0], newest[1]) > 0) {
                newest[0] = lsn;
                newest[1] = txOrder;
                newest[2] = newImageShape;
            }
        }

        void close() {
            droppedShapes.forEach((table, s) -> folder.noteShape(table, (int) s[2], new FoldPosition(s[0], s[1])));
        }
    }
}
