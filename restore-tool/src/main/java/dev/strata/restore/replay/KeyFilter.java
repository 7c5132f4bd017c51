package dev.strata.restore.replay;

import dev.strata.schemas.fold.ChangeFolder;
import dev.strata.schemas.fold.FoldOp;
import dev.strata.schemas.fold.FoldPosition;
import dev.strata.schemas.fold.ShapeCatalog;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
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
    public static final KeyFilter ALL = new KeyFilter(null, null);

    private final Map<String, Set<Key>> keys;
    private final Map<String, Set<Key>> existed;

    /**
     * @param keys per table name, the keys to fold; null: every key
     * @param existed of those, the keys that may have had a row at the point
     */
    private KeyFilter(Map<String, Set<Key>> keys, Map<String, Set<Key>> existed) {
        this.keys = keys;
        this.existed = existed;
    }

    /** Only these keys, by table name; a table not named folds no row. */
    public static KeyFilter only(Map<String, Set<Key>> keys) {
        return only(keys, keys);
    }

    /**
     * As {@link #only(Map)}, knowing that the keys not in {@code existed} had no row at the point (their first
     * change after it gave them one): the log need not be read until their row is found ({@link KeySettlement}).
     */
    public static KeyFilter only(Map<String, Set<Key>> keys, Map<String, Set<Key>> existed) {
        return new KeyFilter(Map.copyOf(keys), Map.copyOf(existed));
    }

    /** For a read of the log newest first: when the rest of it is not needed; none for a whole restore. */
    Optional<KeySettlement> settlement(TableSelection selection) {
        if (keys == null) {
            return Optional.empty();
        }
        Map<String, Set<Key>> needed = new HashMap<>();
        existed.forEach((table, k) -> {
            if (selection.includes(table)) {
                needed.put(table, k);
            }
        });
        Set<String> tables = new HashSet<>(selection.tables());
        keys.keySet().stream().filter(selection::includes).forEach(tables::add);
        return Optional.of(new KeySettlement(needed, tables));
    }

    /** Whether this filter folds every key (the decoder then need not ask). */
    boolean all() {
        return keys == null;
    }

    /**
     * One reader thread's filter over one segment; {@link Pass#close} hands the dropped images' shapes to the fold.
     *
     * @param settlement hears of the kept changes and of the tables whose images were read; null: none
     */
    Pass pass(ShapeCatalog catalog, ChangeFolder folder, KeySettlement settlement) {
        return new Pass(catalog, folder, settlement);
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
        private final KeySettlement settlement;
        private final Set<Integer> imaged = new HashSet<>();
        private final Map<Integer, Set<Key>> byTable = new HashMap<>();
        /** Per table, the newest dropped row image's position and shape: {lsn, txOrder, shapeId}. */
        private final Map<Integer, long[]> droppedShapes = new HashMap<>();

        private Pass(ShapeCatalog catalog, ChangeFolder folder, KeySettlement settlement) {
            this.catalog = catalog;
            this.folder = folder;
            this.settlement = settlement;
        }

        boolean keep(FoldOp op) {
            if (keys == null || op.kind() == FoldOp.Kind.TRUNCATE) {
                return true;
            }
            if (wants(op.tableId(), op.key(), op.key().length)) {
                if (settlement != null) {
                    settlement.kept(catalog.table(op.tableId()), op);
                    if (op.kind() == FoldOp.Kind.UPSERT) {
                        imaged.add(op.tableId());
                    }
                }
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
            if (newImageShape >= 0) {
                imaged.add(tableId);
            }
            if (newImageShape >= 0 && FoldOp.compareOrder(lsn, txOrder, newest[0], newest[1]) > 0) {
                newest[0] = lsn;
                newest[1] = txOrder;
                newest[2] = newImageShape;
            }
        }

        void close() {
            droppedShapes.forEach((table, s) -> folder.noteShape(table, (int) s[2], new FoldPosition(s[0], s[1])));
            if (settlement != null) {
                imaged.forEach(table -> settlement.imaged(catalog.table(table)));
            }
        }
    }
}
