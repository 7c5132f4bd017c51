package dev.strata.streams;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Tells a stream thread that waits for a tenant's placement that the router's copy of the placement
 * directory changed. The global thread fills that copy; without this signal the waiting stream
 * thread could only poll it.
 */
final class PlacementUpdates {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private long version;

    /** Called by the global thread after each change of the copy. */
    void changed() {
        lock.lock();
        try {
            version++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** How many changes the copy has seen: read it before a lookup, then {@link #awaitChangeAfter} it. */
    long version() {
        lock.lock();
        try {
            return version;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until a change after {@code seen}, or {@code timeout}; true when one came. */
    boolean awaitChangeAfter(long seen, Duration timeout) throws InterruptedException {
        long remaining = timeout.toNanos();
        lock.lock();
        try {
            while (version == seen && remaining > 0) {
                remaining = changed.awaitNanos(remaining);
            }
            return version != seen;
        } finally {
            lock.unlock();
        }
    }
}
