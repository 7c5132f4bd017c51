package dev.strata.schemas.fold;

import dev.strata.schemas.fold.bytes.ByteWriter;
import dev.strata.schemas.fold.order.IntegerKeyOrder;

import java.util.Arrays;
import java.util.OptionalLong;

import static dev.strata.schemas.fold.bytes.BigEndian.readInt;
import static dev.strata.schemas.fold.bytes.BigEndian.readLong;
import static dev.strata.schemas.fold.bytes.BigEndian.writeInt;
import static dev.strata.schemas.fold.bytes.BigEndian.writeLong;

/**
 * The newest version of every key of one table, and the table's newest TRUNCATE, in a form the
 * garbage collector barely sees: entries are appended to large byte arrays (an arena) and found
 * through an open-addressing index in one primitive array. A million keys are then a few dozen
 * arrays, not millions of small objects for every young collection to trace and copy.
 *
 * <p>The fold is order-independent: a key keeps the change with the greatest (lsn, txOrder),
 * whatever order segments arrive in, and a TRUNCATE hides every version older than itself. A
 * duplicate delivery has the same eventId, hence the same (lsn, txOrder) and image, so it can
 * neither win nor change anything: deduplication by eventId needs no set of ids. The one thing an
 * older change still gives is a value a newer one did not carry ({@link CarriedValues}). (Per key, LSN order
 * is commit order: Postgres row locks serialize the writers of one row.)
 *
 * <p>An entry is {@code [key length][version length][key][version]}; a version is 8 bytes lsn, 8
 * bytes txOrder, then the row ({@link #HEADER} bytes only: deleted). A newer version is appended and
 * the index repointed; the old one stays behind as garbage until {@link #compacted()}.
 */
final class KeyedVersions {
    static final int HEADER = 16;
    /** What {@link #apply} returns for a change that lost: older than what is held, or a duplicate. */
    static final long SUPERSEDED = Long.MIN_VALUE;
    /** What {@link #apply} returns for a change equal in (lsn, txOrder) to the version held: delivered twice. */
    static final long DUPLICATE = Long.MIN_VALUE + 1;
    private static final int FIRST_CHUNK = 1 << 12;
    private static final int CHUNK = 1 << 24;
    /**
     * In a slot's hash word: its version has a value an older version may fill ({@link CarriedValues}). Kept there because a
     * change older than the version held (most changes of a log read newest first) asks it, and would otherwise walk the
     * held row, past the cache lines its key's comparison brought in.
     */
    private static final long HAS_GAPS = 1L << 32;

    private byte[][] chunks = new byte[0][];
    private int position;
    private long arenaBytes;
    /**
     * The open-addressing index, at most half full: slot {@code i} is {@code index[2i]}, its entry's address + 1 (0: empty), and
     * {@code index[2i+1]}, its key's hash in the low 32 bits and {@link #HAS_GAPS} when its version has a value an older one may
     * fill. Side by side, a probe costs one cache miss, not one per array (JFR: {@link #apply}'s probes were a fifth of a
     * restore's reading), for 16 bytes a slot instead of 12 (32-64 per key).
     */
    private long[] index = new long[32];
    private int size;
    /** Keys whose newest version is a row, not a deletion: the live keys while the table has no TRUNCATE. */
    private long rows;
    private long truncateLsn = Long.MIN_VALUE;
    private long truncateTxOrder = Long.MIN_VALUE;
    /** Names the columns of a row's shape, to fill a value an UPDATE did not carry across an ADD/DROP COLUMN. */
    private final ShapeCatalog catalog;

    KeyedVersions(ShapeCatalog catalog) {
        this.catalog = catalog;
    }

    /** Applies one change; returns the growth in bytes held, or {@link #SUPERSEDED}. */
    long apply(FoldOp op) {
        if (op.kind() == FoldOp.Kind.TRUNCATE) {
            truncate(op.lsn(), op.txOrder());
            return 0;
        }
        // A change older than the table's TRUNCATE is still kept: forEach reports it as not live, so
        // the key drains as a tombstone whether its segment was folded before or after the TRUNCATE's.
        byte[] key = op.key();
        int hash = RowKey.hash(key);
        int mask = slots() - 1;
        for (int slot = hash & mask; ; slot = (slot + 1) & mask) {
            long at = index[2 * slot];
            if (at == 0) {
                long before = footprint();
                index[2 * slot] = append(key, op.version()) + 1;
                index[2 * slot + 1] = hashWord(hash, CarriedValues.hasGaps(op.version()));
                rows += deleted(op.version()) ? 0 : 1;
                if (++size * 2 > slots()) {
                    grow();
                }
                return footprint() - before;
            }
            long word = index[2 * slot + 1];
            if ((int) word == hash && keyEquals(at - 1, key, key.length)) {
                long held = at - 1;
                byte[] version = merged(held, word, op);
                if (version == null) {
                    return FoldOp.compareOrder(op.lsn(), op.txOrder(), lsn(held), txOrder(held)) == 0 ? DUPLICATE : SUPERSEDED;
                }
                long before = footprint();
                rows += (deleted(version) ? 0 : 1) - (holdsRow(held) ? 1 : 0);
                index[2 * slot] = append(key, version) + 1;
                index[2 * slot + 1] = hashWord(hash, CarriedValues.hasGaps(version));
                return footprint() - before;
            }
        }
    }

    /**
     * The version {@code op} leaves over the one held at {@code held} ({@code word}: its index word); null when that one
     * stands. An older change loses, but may fill a value the newer one did not carry (then it is not superseded).
     */
    private byte[] merged(long held, long word, FoldOp op) {
        if (FoldOp.compareOrder(op.lsn(), op.txOrder(), lsn(held), txOrder(held)) <= 0) {
            return (word & HAS_GAPS) != 0 ? CarriedValues.fill(versionAt(held), op.version(), catalog) : null;
        }
        byte[] filled = CarriedValues.hasGaps(op.version()) ? CarriedValues.fill(op.version(), versionAt(held), catalog) : null;
        return filled != null ? filled : op.version();
    }

    /** Visits what {@link #apply} would leave for the key of {@code op}, keeping nothing; false (no visit) if not held. */
    boolean visitApplied(FoldOp op, Visitor visitor) {
        int slot = slotOf(op.key(), op.key().length);
        if (slot < 0) {
            return false;
        }
        byte[] version = merged(index[2 * slot] - 1, index[2 * slot + 1], op);
        if (version == null) {
            visit(slot, visitor);
        } else {
            visitor.visit(op.key(), version, !deleted(version) && !olderThanTruncate(lsn(version), txOrder(version)));
        }
        return true;
    }

    /** Whether a version of {@code key} is held (whatever it is: live, deleted, older than the TRUNCATE). */
    boolean contains(byte[] key) {
        return slotOf(key, key.length) >= 0;
    }

    /**
     * Whether the version held for {@code key[0..length)} is a row newer than (lsn, txOrder) with no value an older change
     * could fill ({@link CarriedValues}): a change there loses to it whatever it holds, and adds no shape the row's own
     * (tracked when it was folded) does not supersede.
     */
    boolean holdsWholeRowAfter(byte[] key, int length, long lsn, long txOrder) {
        int slot = slotOf(key, length);
        if (slot < 0 || (index[2 * slot + 1] & HAS_GAPS) != 0) {
            return false;
        }
        long held = index[2 * slot] - 1;
        return holdsRow(held) && FoldOp.compareOrder(lsn(held), txOrder(held), lsn, txOrder) > 0;
    }

    /** The slot holding {@code key[0..length)}, -1 if none does. */
    private int slotOf(byte[] key, int length) {
        int hash = RowKey.hash(key, length);
        int mask = slots() - 1;
        for (int slot = hash & mask; ; slot = (slot + 1) & mask) {
            long at = index[2 * slot];
            if (at == 0) {
                return -1;
            }
            if ((int) index[2 * slot + 1] == hash && keyEquals(at - 1, key, length)) {
                return slot;
            }
        }
    }

    void truncate(long lsn, long txOrder) {
        if (FoldOp.compareOrder(lsn, txOrder, truncateLsn, truncateTxOrder) > 0) {
            truncateLsn = lsn;
            truncateTxOrder = txOrder;
        }
    }

    boolean olderThanTruncate(long lsn, long txOrder) {
        return FoldOp.compareOrder(lsn, txOrder, truncateLsn, truncateTxOrder) < 0;
    }

    boolean truncated() {
        return truncateLsn != Long.MIN_VALUE;
    }

    long truncateLsn() {
        return truncateLsn;
    }

    long truncateTxOrder() {
        return truncateTxOrder;
    }

    /** Bytes held: the arena (live and dead entries) and the index. */
    long footprint() {
        return arenaBytes + 8L * index.length;
    }

    /** Visits every key's newest version; {@code live} is false for a deletion or a version older than the TRUNCATE. */
    void forEach(Visitor visitor) {
        for (int slot = 0; slot < slots(); slot++) {
            visit(slot, visitor);
        }
    }

    /** Visits the key in {@code slot}, as {@link #forEach} does; nothing for an empty slot. */
    void visit(int slot, Visitor visitor) {
        long entry = entryAt(slot);
        if (entry < 0) {
            return;
        }
        byte[] chunk = chunks[(int) (entry >>> 32)];
        int off = (int) entry;
        int keyLength = readInt(chunk, off);
        int versionLength = readInt(chunk, off + 4);
        byte[] key = Arrays.copyOfRange(chunk, off + 8, off + 8 + keyLength);
        byte[] version = Arrays.copyOfRange(chunk, off + 8 + keyLength, off + 8 + keyLength + versionLength);
        boolean live = versionLength > HEADER && !olderThanTruncate(lsn(version), txOrder(version));
        visitor.visit(key, version, live);
    }

    /**
     * Adds every key to {@code order} as its integer and its slot, tagged with {@code part}; false, and the order left
     * incomplete, at the first key that is not one integer.
     */
    boolean addIntegerKeys(IntegerKeyOrder order, int part) {
        for (int slot = 0; slot < slots(); slot++) {
            long entry = entryAt(slot);
            if (entry < 0) {
                continue;
            }
            byte[] chunk = chunks[(int) (entry >>> 32)];
            int off = (int) entry;
            OptionalLong value = RowKey.singleInteger(chunk, off + 8, readInt(chunk, off));
            if (value.isEmpty()) {
                return false;
            }
            order.add(value.getAsLong(), part, slot);
        }
        return true;
    }

    /** How many keys have a live version (no copies made). */
    long countLive() {
        if (!truncated()) {
            return rows; // kept as changes apply: a walk over a million entries is a cache miss each (JFR: ~60 ms of a restore)
        }
        long live = 0;
        for (int i = 0; i < index.length; i += 2) {
            long at = index[i];
            if (at != 0) {
                long entry = at - 1;
                if (holdsRow(entry) && !olderThanTruncate(lsn(entry), txOrder(entry))) {
                    live++;
                }
            }
        }
        return live;
    }

    interface Visitor {
        void visit(byte[] key, byte[] version, boolean live);
    }

    int keys() {
        return size;
    }

    /** No key, and the same TRUNCATE (spilled changes are filtered by it at drain time). */
    KeyedVersions emptied() {
        KeyedVersions empty = new KeyedVersions(catalog);
        empty.truncate(truncateLsn, truncateTxOrder);
        return empty;
    }

    /** The same keys and versions without the superseded ones: arena garbage dropped. */
    KeyedVersions compacted() {
        KeyedVersions fresh = emptied();
        forEach((key, version, live) -> fresh.apply(new FoldOp(0, -1, FoldOp.Kind.UPSERT, lsn(version), txOrder(version), key, version)));
        return fresh;
    }

    /** The address of the entry in {@code slot}; -1 for an empty slot. */
    private long entryAt(int slot) {
        return index[2 * slot] - 1;
    }

    private int slots() {
        return index.length / 2;
    }

    private long append(byte[] key, byte[] version) {
        int length = 8 + key.length + version.length;
        if (chunks.length == 0 || position + length > chunks[chunks.length - 1].length) {
            // small tables stay small (a tenant may have hundreds, in 16 stripes): chunks double from 4 KiB to 16 MiB
            int next = chunks.length == 0 ? FIRST_CHUNK : Math.min(CHUNK, 2 * chunks[chunks.length - 1].length);
            newChunk(Math.max(next, length));
        }
        int index = chunks.length - 1;
        byte[] chunk = chunks[index];
        int off = position;
        writeInt(chunk, off, key.length);
        writeInt(chunk, off + 4, version.length);
        System.arraycopy(key, 0, chunk, off + 8, key.length);
        System.arraycopy(version, 0, chunk, off + 8 + key.length, version.length);
        position += length;
        return ((long) index << 32) | off;
    }

    private void newChunk(int capacity) {
        chunks = Arrays.copyOf(chunks, chunks.length + 1);
        chunks[chunks.length - 1] = new byte[capacity];
        position = 0;
        arenaBytes += capacity;
    }

    private void grow() {
        long[] old = index;
        index = new long[old.length * 2];
        int mask = slots() - 1;
        for (int i = 0; i < old.length; i += 2) {
            if (old[i] != 0) {
                int slot = (int) old[i + 1] & mask;
                while (index[2 * slot] != 0) {
                    slot = (slot + 1) & mask;
                }
                index[2 * slot] = old[i];
                index[2 * slot + 1] = old[i + 1];
            }
        }
    }

    /** Whether the entry's version is a row, not a deletion. */
    private boolean holdsRow(long entry) {
        return readInt(chunks[(int) (entry >>> 32)], (int) entry + 4) > HEADER;
    }

    private static long hashWord(int hash, boolean gaps) {
        return (hash & 0xffffffffL) | (gaps ? HAS_GAPS : 0);
    }

    private byte[] versionAt(long entry) {
        byte[] chunk = chunks[(int) (entry >>> 32)];
        int off = (int) entry;
        int start = off + 8 + readInt(chunk, off);
        return Arrays.copyOfRange(chunk, start, start + readInt(chunk, off + 4));
    }

    private boolean keyEquals(long entry, byte[] key, int length) {
        byte[] chunk = chunks[(int) (entry >>> 32)];
        int off = (int) entry;
        return readInt(chunk, off) == length && Arrays.equals(chunk, off + 8, off + 8 + length, key, 0, length);
    }

    private long lsn(long entry) {
        byte[] chunk = chunks[(int) (entry >>> 32)];
        int off = (int) entry;
        return readLong(chunk, off + 8 + readInt(chunk, off));
    }

    private long txOrder(long entry) {
        byte[] chunk = chunks[(int) (entry >>> 32)];
        int off = (int) entry;
        return readLong(chunk, off + 16 + readInt(chunk, off));
    }

    // ------------------------------------------------------------------ versions as arrays

    /** Starts a version in {@code out}: the row, if any, is appended after this header. */
    static void writeHeader(ByteWriter out, long lsn, long txOrder) {
        out.writeFixedLong(lsn);
        out.writeFixedLong(txOrder);
    }

    /** The same header at the start of {@code version}. */
    static void writeHeader(byte[] version, long lsn, long txOrder) {
        writeLong(version, 0, lsn);
        writeLong(version, 8, txOrder);
    }

    static byte[] version(long lsn, long txOrder, byte[] row) {
        int rowLength = row == null ? 0 : row.length;
        byte[] v = new byte[HEADER + rowLength];
        writeLong(v, 0, lsn);
        writeLong(v, 8, txOrder);
        if (row != null) {
            System.arraycopy(row, 0, v, HEADER, rowLength);
        }
        return v;
    }

    static boolean deleted(byte[] version) {
        return version.length == HEADER;
    }

    static long lsn(byte[] version) {
        return readLong(version, 0);
    }

    static long txOrder(byte[] version) {
        return readLong(version, 8);
    }
}
