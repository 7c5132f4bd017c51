package dev.strata.restore.cli;

import dev.strata.restore.expire.ExpiryPlan;
import dev.strata.restore.expire.KeptBase;
import dev.strata.restore.plan.RestoreTime;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.stream.Collectors;

/** The retention lines of {@code list points} and {@code expire}: the window, the anchor, the kept bases and why. */
final class RetentionLines {
    private RetentionLines() {
    }

    static void print(PrintWriter out, ExpiryPlan plan) {
        out.printf(Locale.ROOT, "  retention: %s; every point from %s on restores; %s%n", plan.policy(), plan.windowStart(),
                plan.anchor().map(a -> "anchor base " + RestoreTime.format(a.cut().cutCommitMicros())
                        + " (the log is kept from its cut on)").orElse("no base before the window yet: nothing expires"));
        for (KeptBase kept : plan.kept()) {
            out.printf(Locale.ROOT, "    kept base %s: %s%n", RestoreTime.format(kept.cut().cutCommitMicros()),
                    kept.tiers().stream().sorted().map(t -> t.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")));
        }
    }
}
