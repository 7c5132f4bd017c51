package dev.strata.production.soak;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/** What the soak did when, from the workload's start: each move or fault with its start and its end (recovery). */
final class Timeline {
    record Entry(String what, Instant start, Instant end) {
        /** Whether {@code at} falls in this entry, widened by the time a pipeline takes to settle after it. */
        boolean disturbs(Instant at, Duration before, Duration after) {
            return !at.isBefore(start.minus(before)) && !at.isAfter(end.plus(after));
        }
    }

    private final Clock clock;
    private final Instant origin;
    private final Consumer<String> printer;
    private final List<Entry> entries = new ArrayList<>();

    /** @param printer gets each entry as it is recorded, so that a long run shows its course */
    Timeline(Clock clock, Consumer<String> printer) {
        this.clock = clock;
        this.origin = clock.instant();
        this.printer = printer;
    }

    /** Does {@code step}, recording its start and end. */
    Entry record(String what, Step step) throws Exception {
        Instant start = clock.instant();
        step.run();
        return add(what, start, clock.instant());
    }

    /** Records a step whose start and end were apart in the soak's course (a fault that spans other steps). */
    Entry add(String what, Instant start, Instant end) {
        Entry entry = new Entry(what, start, end);
        entries.add(entry);
        printer.accept(describe(entry));
        return entry;
    }

    /** Sleeps until {@code offset} after the origin (at once if that has passed). */
    void sleepUntil(Duration offset) throws InterruptedException {
        long wait = Duration.between(clock.instant(), origin.plus(offset)).toMillis();
        if (wait > 0) {
            Thread.sleep(wait);
        }
    }

    Instant origin() {
        return origin;
    }

    List<Entry> entries() {
        return List.copyOf(entries);
    }

    String describe(Entry entry) {
        return "at " + offset(entry.start()) + " .. " + offset(entry.end()) + "  " + entry.what();
    }

    String offset(Instant at) {
        return String.format(Locale.ROOT, "%6.1f s", Duration.between(origin, at).toMillis() / 1000.0);
    }

    interface Step {
        void run() throws Exception;
    }
}
