package dev.strata.restore.replay;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** A one-line bar redrawn in place (carriage return), at most five times a second: for a terminal. */
public final class BarProgress extends ProgressState {
    private static final int WIDTH = 30;
    private static final Duration EVERY = Duration.ofMillis(200);

    private final PrintWriter out;
    private Instant lastDrawn = Instant.MIN;

    public BarProgress(PrintWriter out, Clock clock) {
        super(clock);
        this.out = out;
    }

    @Override
    protected void changed(boolean phaseChange) {
        Instant now = clock.instant();
        if (!phaseChange && Duration.between(lastDrawn, now).compareTo(EVERY) < 0) {
            return;
        }
        lastDrawn = now;
        int filled = (int) Math.round(fraction() * WIDTH);
        String bar = "#".repeat(filled) + ".".repeat(WIDTH - filled);
        out.print("\r" + (loadingPhase ? "loading " : "reading ") + "[" + bar + "] " + counters() + "  " + eta() + "   ");
        out.flush();
    }

    @Override
    public synchronized void finished() {
        lastDrawn = Instant.MIN;
        changed(true);
        out.println();
        out.flush();
    }
}
