package dev.strata.production.soak;

import java.util.ArrayList;
import java.util.List;

/** What the soak printed, and every check that failed (empty: the soak passed). */
final class SoakResult {
    private final List<String> report = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();

    void line(String format, Object... args) {
        String line = String.format(java.util.Locale.ROOT, format, args);
        report.add(line);
        System.out.println(line);
        System.out.flush();
    }

    void fail(String format, Object... args) {
        String failure = String.format(java.util.Locale.ROOT, format, args);
        failures.add(failure);
        line("FAIL: %s", failure);
    }

    List<String> failures() {
        return List.copyOf(failures);
    }

    String report() {
        return String.join("\n", report);
    }
}
