package dev.strata.schemas.base;

import dev.strata.schemas.fold.ChangeFolder;
import dev.strata.schemas.fold.RowKey;
import dev.strata.schemas.fold.order.KeysInOrder;
import java.util.OptionalLong;

/**
 * A key-ordered base table's rows walked beside the fold's keys of the table in the same order
 * ({@link ChangeFolder#keysInOrder}): the fold's keys below a row go first, a row whose key the fold
 * holds is handed over folded with the held version (nothing kept), any other row straight to the target. A
 * restore from a base and a tail then loads the table as one run of ascending keys, as a fresh base
 * does (Postgres builds the key fastest from it), and asks the fold nothing of the rows the tail did
 * not change.
 */
final class KeyOrderMerge {
    private final KeysInOrder held;
    private int next;
    private long previous;
    private boolean started;

    KeyOrderMerge(KeysInOrder held) {
        this.held = held;
    }

    /**
     * Hands over the fold's keys below the row's.
     *
     * @return whether the fold holds the row's key: then the caller hands the row over folded with the fold's versions
     *     ({@link ChangeFolder#handOverFolded}) and calls {@link #handedOverHeld}
     * @throws IllegalArgumentException if the key is not one integer above the previous row's: the object is not in the
     *     order its manifest says
     */
    boolean heldBefore(byte[] key) {
        OptionalLong value = RowKey.singleInteger(key);
        if (value.isEmpty() || (started && value.getAsLong() <= previous)) {
            throw new IllegalArgumentException("its manifest says its rows are in the order of their keys' one integer, but a row's key "
                    + (value.isEmpty() ? "is not one integer" : value.getAsLong() + " comes after " + previous + ", not above it"));
        }
        started = true;
        previous = value.getAsLong();
        while (next < held.size() && held.value(next) < previous) {
            held.handOver(next++);
        }
        return next < held.size() && held.value(next) == previous;
    }

    /** The key {@link #heldBefore} found held was handed over, the row folded with it. */
    void handedOverHeld() {
        next++;
    }

    /** After the last row: the fold's keys above it. */
    void finish() {
        while (next < held.size()) {
            held.handOver(next++);
        }
    }
}
