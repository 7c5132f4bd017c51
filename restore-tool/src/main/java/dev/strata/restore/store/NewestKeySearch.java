package dev.strata.restore.store;

import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.store.ListPage;
import dev.strata.schemas.store.ListedObject;
import dev.strata.schemas.store.ObjectStore;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;

/**
 * Finds where the newest of a tenant's time-named keys begins (segments by first commit, durable
 * marks by point). Such keys sort by their time and S3 lists only forwards, so the newest is
 * found by galloping out from where it is expected (now, or the watermark) over start-after
 * markers, one single-key LIST per step, windows doubling, then a binary search inside the last
 * window: a few steps when the guess is close (a live tenant's newest mark is seconds old), about
 * twice the log of the distance when it is not, whatever the number of keys. RGW answers a LIST
 * of versions in tens of milliseconds, so a search from the epoch (32 steps per region) cost a
 * restore seconds.
 *
 * @param <T> what a key names, parsed; keys that do not parse (strays) are stepped over
 */
public final class NewestKeySearch<T> {
    /** The latest time a key can hold (KeyTime's year 9999). */
    private static final long LAST_MICROS = 253_402_300_799_999_999L;

    private final ObjectKey prefix;
    private final LongFunction<ObjectKey> startAfter;
    private final Function<ObjectKey, Optional<T>> parse;
    private final ToLongFunction<T> time;

    /**
     * @param startAfter the marker after which the keys of time {@code >= t} are listed
     * @param time the time a parsed key sorts by
     */
    public NewestKeySearch(ObjectKey prefix, LongFunction<ObjectKey> startAfter, Function<ObjectKey, Optional<T>> parse,
                           ToLongFunction<T> time) {
        this.prefix = prefix;
        this.startAfter = startAfter;
        this.parse = parse;
        this.time = time;
    }

    /**
     * @param expectedMicros where the newest key is expected (now, or the watermark): the search
     *                       gallops out from it, so a close guess costs a few LISTs and a wrong one
     *                       about twice the log of its distance, never the answer
     * @param resolution how close the search narrows: no key begins at or after the result plus this
     * @return the time of a key such that none begins {@code resolution} or more later; empty when the prefix holds no key
     */
    public Optional<Long> newestWithin(ObjectStore store, long expectedMicros, long resolution) {
        return newestWithin(store, expectedMicros, resolution, () -> false);
    }

    /**
     * As {@link #newestWithin(ObjectStore, long, long)}, for one of several searches from different
     * guesses raced against each other: before each LIST it asks {@code answered}, and once that says
     * another search found the key it stops with {@link Abandoned} instead of spending more requests.
     */
    public Optional<Long> newestWithin(ObjectStore store, long expectedMicros, long resolution, BooleanSupplier answered) {
        long start = Math.max(0, Math.min(expectedMicros, LAST_MICROS));
        Optional<T> atOrAfter = firstFrom(store, answered, start);
        long lo; // a key begins at lo
        long hi; // none begins at or after hi
        if (atOrAfter.isPresent()) { // the newest is at or after the guess: gallop forwards
            lo = time.applyAsLong(atOrAfter.get());
            for (long window = resolution; ; window *= 2) {
                if (lo >= LAST_MICROS - window) {
                    hi = LAST_MICROS;
                    break;
                }
                Optional<T> later = firstFrom(store, answered, lo + window);
                if (later.isEmpty()) {
                    hi = lo + window;
                    break;
                }
                lo = time.applyAsLong(later.get());
            }
        } else { // none at or after the guess: gallop backwards
            if (start == 0 || firstFrom(store, answered, 0).isEmpty()) {
                return Optional.empty(); // one LIST says so, not a gallop back to 1970 (a tenant this region holds nothing of)
            }
            hi = start;
            for (long window = resolution; ; window *= 2) {
                if (hi == 0) {
                    return Optional.empty();
                }
                long from = Math.max(0, hi - window);
                Optional<T> found = firstFrom(store, answered, from);
                if (found.isPresent()) {
                    lo = time.applyAsLong(found.get());
                    break;
                }
                hi = from;
            }
        }
        while (hi - lo > resolution) {
            long mid = lo + (hi - lo) / 2;
            Optional<T> found = firstFrom(store, answered, mid);
            if (found.isPresent()) {
                lo = time.applyAsLong(found.get());
            } else {
                hi = mid;
            }
        }
        return Optional.of(lo);
    }

    /** Every parsed key of time {@code >= fromMicros}, in key order, listed page by page as consumed. */
    public Stream<T> from(ObjectStore store, long fromMicros) {
        return store.listAll(prefix, marker(fromMicros)).map(o -> parse.apply(o.key())).flatMap(Optional::stream);
    }

    private Optional<T> firstFrom(ObjectStore store, BooleanSupplier answered, long fromMicros) {
        Optional<ObjectKey> next = marker(fromMicros);
        while (true) {
            if (answered.getAsBoolean()) {
                throw new Abandoned();
            }
            ListPage page = store.list(prefix, next, 1);
            if (page.objects().isEmpty()) {
                return Optional.empty();
            }
            ListedObject object = page.objects().get(0);
            Optional<T> parsed = parse.apply(object.key());
            if (parsed.isPresent()) {
                return parsed;
            }
            next = Optional.of(object.key()); // a stray key: step over it
        }
    }

    /** Before the first key when {@code fromMicros} precedes the epoch (key times cannot). */
    private Optional<ObjectKey> marker(long fromMicros) {
        return fromMicros <= 0 ? Optional.empty() : Optional.of(startAfter.apply(fromMicros));
    }

    /** A search stopped because another one, from another guess, answered first: not a failure. */
    public static final class Abandoned extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Abandoned() {
            super("another search for the newest key answered first", null, false, false);
        }
    }
}
