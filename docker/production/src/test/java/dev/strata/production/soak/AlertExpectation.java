package dev.strata.production.soak;

import dev.strata.production.soak.PrometheusServer.Alert;
import java.util.List;
import java.util.function.Predicate;

/**
 * The alert an injected fault must raise: every one of {@code each} (e.g. one per regime) fires within 2 minutes of
 * the fault's start, and {@code alert} stops firing within 5 minutes of its recovery.
 */
record AlertExpectation(Timeline.Entry fault, String alert, List<String> eachLabel, List<Predicate<Alert>> each) {

    Predicate<Alert> any() {
        return a -> a.name().equals(alert) && each.stream().anyMatch(p -> p.test(a));
    }

    static Predicate<Alert> named(String alert, String label, String value) {
        return a -> a.name().equals(alert) && value.equals(a.labels().get(label));
    }
}
