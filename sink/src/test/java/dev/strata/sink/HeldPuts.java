package dev.strata.sink;

import dev.strata.schemas.Sha256;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.ops.StoppingException;
import dev.strata.schemas.store.ForwardingObjectStore;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.PutResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A region whose segment puts each wait until the test lets that one through: an upload in flight
 * for as long as a test needs it, and two uploads of one key finishing in the order the test
 * chooses. {@link #die} ends every waiting and later put unwritten, as a killed process's puts end.
 */
final class HeldPuts extends ForwardingObjectStore {
    private static final long MAX_WAIT_MILLIS = 10_000;

    /** One put waiting: let through, or killed. */
    private static final class Held {
        final String range;
        final CountDownLatch gate = new CountDownLatch(1);
        volatile boolean killed;

        Held(String range) {
            this.range = range;
        }
    }

    /** Guarded by this. */
    private final List<Held> waiting = new ArrayList<>();
    private volatile boolean dead;

    private final Predicate<ObjectKey> holds;

    /** Holds every segment put. */
    HeldPuts(ObjectStore delegate) {
        this(delegate, key -> key.value().endsWith(".seg"));
    }

    /** Holds the puts of the keys {@code holds} accepts. */
    HeldPuts(ObjectStore delegate, Predicate<ObjectKey> holds) {
        super(delegate);
        this.holds = holds;
    }

    @Override
    public PutResult putIfAbsent(ObjectKey key, byte[] bytes, Sha256 sha256) {
        if (!holds.test(key)) {
            return delegate.putIfAbsent(key, bytes, sha256);
        }
        Held held = new Held(key.value().endsWith(".seg") ? JournaledStore.range(key) : key.value());
        synchronized (this) {
            waiting.add(held);
            notifyAll();
        }
        boolean through;
        try {
            through = !dead && held.gate.await(MAX_WAIT_MILLIS, TimeUnit.MILLISECONDS) && !held.killed;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            through = false;
        }
        if (!through) {
            throw new StoppingException("put of " + key + " (held, then the process died or the test ended)");
        }
        return delegate.putIfAbsent(key, bytes, sha256);
    }

    /** Waits for a held put of the segment {@code range} ("acme 0..9") and lets it through. */
    void release(String range) {
        take(h -> h.range.equals(range), range).gate.countDown();
    }

    /** Waits for the next held put (the one that arrived first) and lets it through. */
    void releaseNext() {
        take(h -> true, "any segment").gate.countDown();
    }

    /** Waits until {@code count} puts are held. */
    synchronized void awaitHeld(int count) {
        waitFor(() -> waiting.size() >= count, count + " held puts");
    }

    /** The process died: waiting puts and later ones end without writing. */
    synchronized void die() {
        dead = true;
        for (Held held : waiting) {
            held.killed = true;
            held.gate.countDown();
        }
        waiting.clear();
    }

    private synchronized Held take(Predicate<Held> which, String what) {
        waitFor(() -> waiting.stream().anyMatch(which), "a held put of " + what);
        Held held = waiting.stream().filter(which).findFirst().orElseThrow();
        waiting.remove(held);
        return held;
    }

    /** Called holding the lock; puts notify it when they arrive. */
    private void waitFor(java.util.function.BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MAX_WAIT_MILLIS);
        while (!condition.getAsBoolean()) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                throw new AssertionError("no " + what + " within " + MAX_WAIT_MILLIS + " ms; held: "
                        + waiting.stream().map(h -> h.range).toList());
            }
            try {
                wait(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
