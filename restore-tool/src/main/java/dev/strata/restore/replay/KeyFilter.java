package dev.strata.restore.replay;

import dev.strata.schemas.fold.ChangeFolder;
import dev.strata.schemas.fold.FoldOp;
import dev.strata.schemas.fold.FoldPosition;
import dev.strata.schemas.fold.select.KeySet;
import dev.strata.schemas.fold.ShapeCatalog;
import dev.strata.schemas.fold.select.KeyInterest;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which keys a restore folds, per table, by the fold's own key bytes: a rollback that needs the
 * state at its point of only the keys changed since folds those and drops every other change before
 * it reaches the fold. A dropped row image still tells which columns its table had when
 * ({@link ChangeFolder#noteShape}), so each table gets the columns the whole fold would give it.
 * TRUNCATEs always pass: they are the table's, not a key's. It may also carry rows at the point known without the log
 * ({@link RowAtPoint}): their keys are not read, and the fold begins with those rows.
 */
public final class KeyFilter {
    /** Every key: the filter of a whole restore. */
    public static final KeyFilter ALL = new KeyFilter(null, null, List.of());
    private static final KeySet NONE = new KeySet(List.of());
    private static final KeySet NOT_LOOKED_UP = new KeySet(List.of());

    private final Map<String, Set<Key>> keys;
    private final Map<String, Set<Key>> existed;
    private final List<RowAtPoint> given;
    /** The same keys, for the question asked of every change read. */
    private final Map<String, KeySet> asked;

    /**
     * @param keys per table name, the keys to fold; null: every key
     * @param existed of those, the keys that may have had a row at the point
     */
    private KeyFilter(Map<String, Set<Key>> keys, Map<String, Set<Key>> existed, List<RowAtPoint> given) {
        this.keys = keys;
        this.existed = existed;
        this.given = given;
        this.asked = new HashMap<>();
        if (keys != null) {
            keys.forEach((table, k) -> asked.put(table, new KeySet(k.stream().map(Key::copy).toList())));
        }
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
        return only(keys, existed, List.of());
    }

    /** As {@link #only(Map, Map)}, the fold beginning with {@code given}, rows at the point of other keys than those. */
    public static KeyFilter only(Map<String, Set<Key>> keys, Map<String, Set<Key>> existed, List<RowAtPoint> given) {
        return new KeyFilter(Map.copyOf(keys), Map.copyOf(existed), List.copyOf(given));
    }

    /** The rows at the point the fold begins with. */
    public List<RowAtPoint> given() {
        return given;
    }

    /** Folds the given rows of the tables {@code selection} includes, before anything is read; their tables are the tenant's. */
    void foldGiven(ChangeFolder folder, ShapeCatalog catalog, TableSelection selection, Set<String> tenantTables) {
        for (RowAtPoint row : given) {
            if (selection.includes(row.shape().table())) {
                // at a position after the point: a base's row of its key is refused as older (the filter drops the log's)
                folder.accept(row.in(catalog));
                tenantTables.add(row.shape().table());
            }
        }
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
        // a row at the point is an image of its table then: its columns need no read of the log
        Set<String> imaged = new HashSet<>();
        given.forEach(row -> imaged.add(row.shape().table()));
        return Optional.of(new KeySettlement(needed, tables, imaged));
    }

    /**
     * One reader thread's filter over one segment; {@link Pass#close} hands the dropped images' shapes to the fold.
     *
     * @param settlement hears of the kept changes and of the tables whose images were read; null: none
     * @param newerImageKnown the tables of which a newer image than this segment's is known: its skipped images' shapes
     *     are not read
     */
    Pass pass(ShapeCatalog catalog, ChangeFolder folder, KeySettlement settlement, BitSet newerImageKnown) {
        return new Pass(catalog, folder, settlement, newerImageKnown);
    }

    /** A key as the fold encodes it, compared by content. */
    public record Key(ByteBuffer bytes) {
        public static Key of(byte[] bytes) {
            return new Key(ByteBuffer.wrap(bytes).asReadOnlyBuffer());
        }

        byte[] copy() {
            byte[] copy = new byte[bytes.remaining()];
            bytes.duplicate().get(copy);
            return copy;
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
        private final BitSet newerImageKnown;
        /** The tables that had a new row image in the segment, kept or skipped (its shape read or not). */
        private final BitSet imaged = new BitSet();
        /** Per table id, its keys ({@link #NOT_LOOKED_UP} until asked): an array, as it is read for every change. */
        private KeySet[] byTable = new KeySet[0];
        /**
         * Per table id, the newest dropped row image's position and shape ({lsn, txOrder, shapeId}), null while none was
         * dropped: an array, as it is written for every change skipped (most of a rollback's read).
         */
        private long[][] droppedShapes = new long[0][];

        private Pass(ShapeCatalog catalog, ChangeFolder folder, KeySettlement settlement, BitSet newerImageKnown) {
            this.catalog = catalog;
            this.folder = folder;
            this.settlement = settlement;
            this.newerImageKnown = newerImageKnown;
        }

        boolean keep(FoldOp op) {
            if (keys == null || op.kind() == FoldOp.Kind.TRUNCATE) {
                return true;
            }
            if (wants(op.tableId(), op.key(), op.key().length)) {
                if (op.kind() == FoldOp.Kind.UPSERT) {
                    imaged.set(op.tableId());
                }
                if (settlement != null) {
                    settlement.kept(catalog.table(op.tableId()), op);
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
            if (tableId >= byTable.length) {
                int from = byTable.length;
                byTable = Arrays.copyOf(byTable, Math.max(tableId + 1, from * 2));
                Arrays.fill(byTable, from, byTable.length, NOT_LOOKED_UP);
            }
            KeySet wanted = byTable[tableId];
            if (wanted == NOT_LOOKED_UP) {
                wanted = asked.getOrDefault(catalog.table(tableId), NONE);
                byTable[tableId] = wanted;
            }
            return wanted.contains(key, length);
        }

        /** Whether a skipped new image of the table is to have its shape read ({@link KeyInterest#shapeNeeded}). */
        boolean shapeNeeded(int tableId) {
            return !newerImageKnown.get(tableId);
        }

        /**
         * A change not folded: its table is noted, and its new image's shape if it is the newest ({@code newImageShape} -1:
         * none; {@link KeyInterest#SHAPE_NOT_READ}: an image whose shape a newer one known already supersedes).
         */
        void dropped(int tableId, int newImageShape, long lsn, long txOrder) {
            // noted even without a shape: the table had a change, so the fold lists it as the whole fold would
            if (tableId >= droppedShapes.length) {
                droppedShapes = Arrays.copyOf(droppedShapes, Math.max(tableId + 1, 2 * droppedShapes.length));
            }
            long[] newest = droppedShapes[tableId];
            if (newest == null) {
                newest = new long[] {Long.MIN_VALUE, Long.MIN_VALUE, -1};
                droppedShapes[tableId] = newest;
            }
            // as the fold tracks shapes: only new row images say which columns the table has
            if (newImageShape >= 0 || newImageShape == KeyInterest.SHAPE_NOT_READ) {
                imaged.set(tableId);
            }
            if (newImageShape >= 0 && FoldOp.compareOrder(lsn, txOrder, newest[0], newest[1]) > 0) {
                newest[0] = lsn;
                newest[1] = txOrder;
                newest[2] = newImageShape;
            }
        }

        /** The tables that had a new row image at or before the point in this segment (kept or skipped). */
        BitSet imaged() {
            return imaged;
        }

        void close() {
            for (int table = 0; table < droppedShapes.length; table++) {
                long[] s = droppedShapes[table];
                if (s != null) {
                    folder.noteShape(table, (int) s[2], new FoldPosition(s[0], s[1]));
                }
            }
            if (settlement != null) {
                imaged.stream().forEach(table -> settlement.imaged(catalog.table(table)));
            }
        }
    }
}
