package dev.strata.schemas.fold;

import dev.strata.schemas.fold.drain.FoldDrain;
import dev.strata.schemas.fold.order.IntegerKeyOrder;
import dev.strata.schemas.fold.order.KeysInOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Folds a tenant's changes into the last image per (table, key) at the restore point (DESIGN.md
 * section 7, step 3): duplicates removed, deletes applied, TRUNCATE clearing what came before it.
 *
 * <p>Memory: rows are held in compact form ({@link RowCodec}) in per-table arenas
 * ({@link KeyedVersions}), about 60-90 bytes of overhead per key (index, lengths, lsn and txOrder) plus the row. Past the budget the
 * arenas are first compacted (superseded versions dropped); if that is not enough the fold turns
 * into a grace hash fold: what it holds and every later change go to {@link SpillPartitions} by
 * hash of (table, key), and each partition is folded alone at drain time.
 *
 * <p>Threads: the fold is order-independent, so reader threads fold whole segments concurrently
 * ({@link #acceptAll}); keys are split into lock stripes by hash. Compaction and spilling take the
 * write side of a read-write lock, folding the read side; both swap a stripe's tables under its monitor too, which
 * is all a question of one key takes ({@link #holds}, {@link #supersedes}). {@link #drain} runs after the readers.
 */
public final class ChangeFolder implements AutoCloseable {
    private static final int STRIPES = 16;

    private final ShapeCatalog catalog;
    private final FoldMemory memory;
    private final FoldStripe[] stripes = new FoldStripe[STRIPES];
    private final Map<Integer, long[]> truncates = new HashMap<>();
    private final ReadWriteLock mode = new ReentrantReadWriteLock();
    private final AtomicLong heldBytes = new AtomicLong();
    private volatile SpillPartitions spill;
    private long truncateCount;

    public ChangeFolder(ShapeCatalog catalog, FoldMemory memory) {
        this.catalog = catalog;
        this.memory = memory;
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new FoldStripe(catalog);
        }
    }

    public void accept(FoldOp op) {
        acceptAll(List.of(op));
    }

    /** Folds a batch (one segment's changes); safe to call from several threads at once. */
    public void acceptAll(List<FoldOp> ops) {
        boolean overBudget;
        mode.readLock().lock();
        try {
            long growth = 0;
            for (FoldOp op : ops) {
                if (op.kind() == FoldOp.Kind.TRUNCATE) {
                    truncate(op);
                } else {
                    growth += fold(op);
                }
            }
            // once per batch: one shared counter per change made the reader threads take turns on its cache line; inside the
            // read lock, as relieve() sets the count under the write lock
            overBudget = heldBytes.addAndGet(growth) > memory.budgetBytes();
        } finally {
            mode.readLock().unlock();
        }
        if (overBudget) {
            relieve();
        }
    }

    /** @return the bytes the fold grew by */
    private long fold(FoldOp op) {
        FoldStripe stripe = stripeOf(op.key(), op.key().length);
        long growth;
        synchronized (stripe) {
            stripe.changes++;
            stripe.trackShape(op);
            KeyedVersions table = stripe.table(op.tableId());
            SpillPartitions spilled = spill;
            if (spilled != null) {
                spilled.write(op.tableId(), op.kind(), op.key(), op.version());
                return 0;
            }
            growth = table.apply(op);
            if (growth == KeyedVersions.SUPERSEDED || growth == KeyedVersions.DUPLICATE) {
                stripe.superseded++;
                stripe.duplicates += growth == KeyedVersions.DUPLICATE ? 1 : 0;
                return 0;
            }
        }
        return growth;
    }

    private FoldStripe stripeOf(byte[] key, int length) {
        return stripes[RowKey.bucket(RowKey.hash(key, length), STRIPES)];
    }

    /** A TRUNCATE hides older versions of its table in every stripe (they are rare). */
    private void truncate(FoldOp op) {
        synchronized (truncates) {
            truncateCount++;
            long[] newest = truncates.computeIfAbsent(op.tableId(), id -> new long[] {Long.MIN_VALUE, Long.MIN_VALUE});
            if (FoldOp.compareOrder(op.lsn(), op.txOrder(), newest[0], newest[1]) > 0) {
                newest[0] = op.lsn();
                newest[1] = op.txOrder();
            }
        }
        for (FoldStripe stripe : stripes) {
            synchronized (stripe) {
                stripe.changes++;
                stripe.table(op.tableId()).truncate(op.lsn(), op.txOrder());
            }
        }
    }

    /**
     * Whether a change of {@code key} in the table has been folded, or may have been (the fold spilled
     * to disk, where no key is looked up): a row that is not held can go to its target without the fold,
     * one that is must be folded with what is held.
     */
    public boolean holds(int tableId, byte[] key) {
        if (spill != null) {
            return true;
        }
        FoldStripe stripe = stripeOf(key, key.length);
        synchronized (stripe) {
            KeyedVersions table = stripe.find(tableId);
            return table != null && table.contains(key);
        }
    }

    /**
     * Whether the fold holds a row of {@code key[0..length)} that no older change adds a value to: a reader may walk over a
     * change of the key undecoded and ask {@link #supersedes} at its position. False once spilled (no key is looked up).
     */
    public boolean holdsWholeRow(int tableId, byte[] key, int length) {
        return holdsWholeRowAfter(tableId, key, length, Long.MIN_VALUE, Long.MIN_VALUE, false);
    }

    /**
     * Whether that row is newer than (lsn, txOrder), so that folding a change there would leave it: the change is counted
     * as superseded, and need not be decoded (per key, the fold's order is commit order: row locks serialize its writers).
     */
    public boolean supersedes(int tableId, byte[] key, int length, long lsn, long txOrder) {
        return holdsWholeRowAfter(tableId, key, length, lsn, txOrder, true);
    }

    private boolean holdsWholeRowAfter(int tableId, byte[] key, int length, long lsn, long txOrder, boolean count) {
        FoldStripe stripe = stripeOf(key, length);
        synchronized (stripe) { // the stripe's monitor, not the read lock: relieve() swaps its tables under both
            KeyedVersions table = spill == null ? stripe.find(tableId) : null;
            if (table == null || !table.holdsWholeRowAfter(key, length, lsn, txOrder)) {
                return false;
            }
            stripe.changes += count ? 1 : 0;
            stripe.superseded += count ? 1 : 0;
            return true;
        }
    }

    /** The tables that had any change at or before the restore point, by name. */
    public List<Integer> tables() {
        TreeSet<Integer> ids = new TreeSet<>();
        for (FoldStripe stripe : stripes) {
            ids.addAll(stripe.tables.keySet());
        }
        List<Integer> sorted = new ArrayList<>(ids);
        sorted.sort(Comparator.comparing(catalog::table));
        return sorted;
    }

    /** The shape of the newest row image of the table, -1 if it had none (only TRUNCATEs). */
    public int finalShape(int tableId) {
        long[] newest = FoldStripe.newestShape(stripes, tableId);
        return newest == null ? -1 : (int) newest[2];
    }

    /** Where the table's final shape was seen last (a base keeps it: that row may since have been deleted). */
    public Optional<FoldPosition> finalShapePosition(int tableId) {
        long[] newest = FoldStripe.newestShape(stripes, tableId);
        return newest == null ? Optional.empty() : Optional.of(new FoldPosition(newest[0], newest[1]));
    }

    /** The table's newest TRUNCATE, if it had one. */
    public Optional<FoldPosition> truncatePosition(int tableId) {
        synchronized (truncates) {
            long[] t = truncates.get(tableId);
            return t == null ? Optional.empty() : Optional.of(new FoldPosition(t[0], t[1]));
        }
    }

    /**
     * Records that the table had a row image of {@code shapeId} at {@code at}, without a row: what a
     * base says about a final shape whose row was deleted later, so that the fold from the base
     * creates the same columns as the fold from the whole log.
     */
    public void noteShape(int tableId, int shapeId, FoldPosition at) {
        FoldStripe stripe = stripes[0];
        synchronized (stripe) {
            stripe.table(tableId);
            stripe.trackShape(new FoldOp(tableId, shapeId, FoldOp.Kind.UPSERT, at.lsn(), at.txOrder(), null, null));
        }
    }

    /** The bytes the fold holds, as its memory budget counts them. */
    long heldBytes() {
        return heldBytes.get();
    }

    /** How many rows the drain will hand over; -1 when the fold spilled (then only the drain knows). */
    public long liveRows() {
        if (spill != null) {
            return -1;
        }
        long live = 0;
        for (FoldStripe stripe : stripes) {
            live += stripe.tables.values().stream().mapToLong(KeyedVersions::countLive).sum();
        }
        return live;
    }

    public FoldStats stats() {
        return FoldStripe.stats(stripes, spill, truncateCount);
    }

    /** Hands every key's final state to {@code drain}, table by table (per partition when spilled). Single-threaded. */
    public void drain(FoldDrain drain) {
        drain(drain, false);
    }

    /**
     * As {@link #drain}, the keys of a table whose every key is one integer in the order of those integers
     * ({@link IntegerKeyOrder}); a spilled fold, and a table whose ordering would not fit in the memory budget, drain as
     * {@link #drain} does. For a base: the sink sorts once, and every restore from the base loads rows whose key
     * Postgres then builds faster (its manifest says which tables are in key order: the ones returned).
     */
    public Set<Integer> drainInKeyOrder(FoldDrain drain) {
        return drain(drain, true);
    }

    private Set<Integer> drain(FoldDrain drain, boolean keyOrder) {
        List<Integer> ids = tables();
        Set<Integer> ordered = new HashSet<>();
        if (spill == null) {
            for (int tableId : ids) {
                Optional<KeysInOrder> inOrder = keyOrder ? keysInOrder(tableId, drain) : Optional.empty();
                if (inOrder.isPresent()) {
                    ordered.add(tableId);
                    for (int i = 0; i < inOrder.get().size(); i++) {
                        inOrder.get().handOver(i);
                    }
                } else {
                    FoldStripe.parts(stripes, tableId).forEach(table -> emit(tableId, table, drain));
                }
                drained(tableId);
            }
            return ordered;
        }
        for (int p = 0; p < spill.count(); p++) {
            Map<Integer, KeyedVersions> partition = spill.fold(p, catalog, truncates);
            for (int tableId : ids) {
                KeyedVersions table = partition.remove(tableId);
                if (table != null) {
                    emit(tableId, table, drain);
                }
            }
        }
        return ordered;
    }

    /**
     * The table's keys in the order of their one integer, each handed to {@code drain} when asked: for a walk beside a
     * key-ordered base's rows ({@link #handOverFolded}, then {@link #drained}), after the readers. Empty when a key is
     * not one integer, when the fold spilled, or when the ordering (32 bytes a key) would take it past its budget.
     */
    public Optional<KeysInOrder> keysInOrder(int tableId, FoldDrain drain) {
        List<KeyedVersions> parts = FoldStripe.parts(stripes, tableId);
        int keys = parts.stream().mapToInt(KeyedVersions::keys).sum();
        if (spill != null || heldBytes.get() + (long) IntegerKeyOrder.BYTES_PER_KEY * keys > memory.budgetBytes()) {
            return Optional.empty();
        }
        IntegerKeyOrder order = new IntegerKeyOrder(keys);
        for (int part = 0; part < parts.size(); part++) {
            if (!parts.get(part).addIntegerKeys(order, part)) {
                return Optional.empty();
            }
        }
        KeyedVersions.Visitor visitor = handOver(tableId, drain);
        return Optional.of(order.sorted((part, slot) -> parts.get(part).visit(slot, visitor)));
    }

    /**
     * Hands over what folding {@code op}, a key-ordered base's row of a key the fold holds, would leave for its key, and
     * keeps nothing: the walk of {@link #keysInOrder} never grows the fold (a row filling unchanged TOAST values of many
     * held keys would otherwise add them all). @throws IllegalStateException if the fold does not hold the key
     */
    public void handOverFolded(FoldOp op, FoldDrain drain) {
        FoldStripe stripe = stripeOf(op.key(), op.key().length);
        KeyedVersions table;
        synchronized (stripe) {
            table = spill == null ? stripe.find(op.tableId()) : null;
        }
        if (table == null || !table.visitApplied(op, handOver(op.tableId(), drain))) {
            throw new IllegalStateException("the fold does not hold the key of this change of " + catalog.table(op.tableId()));
        }
    }

    /** The table's keys were all handed over: they are forgotten (a TRUNCATE is remembered), and a drain skips them. */
    public void drained(int tableId) {
        for (FoldStripe stripe : stripes) {
            synchronized (stripe) {
                KeyedVersions table = stripe.tables.get(tableId);
                if (table != null) {
                    KeyedVersions empty = table.emptied();
                    stripe.replace(tableId, empty);
                    heldBytes.addAndGet(empty.footprint() - table.footprint());
                }
            }
        }
    }

    @Override
    public void close() {
        for (FoldStripe stripe : stripes) {
            stripe.tables.clear();
        }
        if (spill != null) {
            spill.close();
        }
    }

    private static void emit(int tableId, KeyedVersions table, FoldDrain drain) {
        table.forEach(handOver(tableId, drain));
    }

    private static KeyedVersions.Visitor handOver(int tableId, FoldDrain drain) {
        return (key, version, live) -> {
            if (live) {
                drain.upsert(tableId, key, version);
            } else {
                drain.tombstone(tableId, key, version);
            }
        };
    }

    /** Over budget: drop superseded versions; if most of what is held is live, spill instead. */
    private void relieve() {
        mode.writeLock().lock();
        try {
            if (spill != null || heldBytes.get() <= memory.budgetBytes()) {
                return; // another thread relieved it meanwhile
            }
            long held = 0;
            for (FoldStripe stripe : stripes) {
                synchronized (stripe) {
                    for (Map.Entry<Integer, KeyedVersions> e : new ArrayList<>(stripe.tables.entrySet())) {
                        stripe.replace(e.getKey(), e.getValue().compacted());
                    }
                    held += stripe.footprint();
                }
            }
            heldBytes.set(held);
            if (held > memory.budgetBytes() / 2) {
                spillEverything();
            }
        } finally {
            mode.writeLock().unlock();
        }
    }

    /** What is held moves to disk, and later changes go straight there. Under the write lock. */
    private void spillEverything() {
        SpillPartitions partitions = new SpillPartitions(memory.spillDir(), memory.partitions());
        for (FoldStripe stripe : stripes) {
            synchronized (stripe) {
                for (Map.Entry<Integer, KeyedVersions> table : new ArrayList<>(stripe.tables.entrySet())) {
                    int tableId = table.getKey();
                    table.getValue().forEach((key, version, live) -> partitions.write(tableId,
                            KeyedVersions.deleted(version) ? FoldOp.Kind.DELETE : FoldOp.Kind.UPSERT, key, version));
                    stripe.replace(tableId, table.getValue().emptied());
                }
            }
        }
        heldBytes.set(0);
        spill = partitions;
    }
}
