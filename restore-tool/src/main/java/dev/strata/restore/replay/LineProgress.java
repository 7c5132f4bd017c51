package dev.strata.restore.replay;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** A plain line at each phase and every few seconds: for logs and pipes, where a redrawn bar is noise. */
public final class LineProgress extends ProgressState {
    private final PrintWriter out;
    private final Duration every;
    private Instant lastPrinted;

    public LineProgress(PrintWriter out, Clock clock, Duration every) {
        super(clock);
        this.out = out;
        this.every = every;
        this.lastPrinted = clock.instant();
    }

    @Override
    protected void changed(boolean phaseChange) {
        Instant now = clock.instant();
        if (!phaseChange && Duration.between(lastPrinted, now).compareTo(every) < 0) {
            return;
        }
        lastPrinted = now;
        out.println("progress: " + (loadingPhase ? "loading: " : "reading: ") + counters() + ", " + eta());
        out.flush();
    }
}
