package dev.strata.restore.replay;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.StringJoiner;

/** How long each phase of a replay took, for the summary: where the time goes is the first question after "how long". */
final class Phases {
    private final Clock clock;
    private final StringJoiner done = new StringJoiner(", ");
    private Instant since;

    Phases(Clock clock) {
        this.clock = clock;
        this.since = clock.instant();
    }

    void end(String phase) {
        Instant now = clock.instant();
        done.add(String.format(Locale.ROOT, "%s %.1f s", phase, Duration.between(since, now).toMillis() / 1000.0));
        since = now;
    }

    @Override
    public String toString() {
        return done.toString();
    }
}
