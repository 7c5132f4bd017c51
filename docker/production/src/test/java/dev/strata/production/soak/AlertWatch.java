package dev.strata.production.soak;

import dev.strata.production.soak.PrometheusServer.Alert;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * Asks Prometheus's /api/v1/alerts once a second for the whole soak and keeps what it answered, so that the soak can
 * say when an alert first fired after a fault and when it stopped firing after the recovery.
 */
final class AlertWatch implements AutoCloseable {
    /** What was firing at one poll. */
    private record Poll(Instant at, List<Alert> firing) {
    }

    private final PrometheusServer prometheus;
    private final Clock clock;
    private final List<Poll> polls = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread poller;

    AlertWatch(PrometheusServer prometheus, Clock clock) {
        this.prometheus = prometheus;
        this.clock = clock;
        poller = new Thread(this::poll, "soak-alerts");
        poller.setDaemon(true);
        poller.start();
    }

    private void poll() {
        while (running.get()) {
            Instant at = clock.instant();
            try {
                List<Alert> firing = prometheus.alerts().stream().filter(Alert::firing).toList();
                synchronized (this) {
                    polls.add(new Poll(at, firing));
                }
            } catch (IOException e) {
                synchronized (this) {
                    errors.add(at + ": " + e.getMessage());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            try {
                Thread.sleep(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The first poll at or after {@code from} where an alert {@code matching} fired. */
    synchronized Optional<Instant> firstFiring(Predicate<Alert> matching, Instant from) {
        return polls.stream().filter(p -> !p.at().isBefore(from) && p.firing().stream().anyMatch(matching)).map(Poll::at).findFirst();
    }

    /** The first poll at or after {@code from} where no alert {@code matching} fired. */
    synchronized Optional<Instant> firstQuiet(Predicate<Alert> matching, Instant from) {
        return polls.stream().filter(p -> !p.at().isBefore(from) && p.firing().stream().noneMatch(matching)).map(Poll::at).findFirst();
    }

    /** Every alert (name and labels) that fired at some poll and that {@code expected} does not accept, with its first firing. */
    synchronized Set<String> unexpected(Predicate<Alert> expected) {
        Map<String, Instant> first = new TreeMap<>();
        polls.forEach(p -> p.firing().stream().filter(expected.negate()).forEach(a -> first.putIfAbsent(a.name() + a.labels(), p.at())));
        Set<String> seen = new TreeSet<>();
        first.forEach((alert, at) -> seen.add(alert + " from " + at));
        return seen;
    }

    synchronized int polls() {
        return polls.size();
    }

    synchronized List<String> errors() {
        return List.copyOf(errors);
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        poller.interrupt();
        poller.join(10_000);
    }
}
