package dev.strata.restore.replay;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/** The counters both progress displays show, and the ETA of the phase under way. */
abstract class ProgressState implements Progress {
    protected final Clock clock;
    protected int objects;
    protected int objectsRead;
    protected long bytes;
    protected long bytesRead;
    protected long events;
    protected long rows;
    protected long rowsLoaded;
    protected boolean loadingPhase;
    private Instant phaseStart;

    ProgressState(Clock clock) {
        this.clock = clock;
        this.phaseStart = clock.instant();
    }

    @Override
    public synchronized void planned(int objects, long bytes) {
        this.objects += objects;
        this.bytes += bytes;
        loadingPhase = false;
        phaseStart = clock.instant();
        changed(true);
    }

    @Override
    public synchronized void baseTables(int objects) {
        this.objects += objects; // not their bytes: a fetched base counts as read only after the log's read, which the ETA follows
    }

    @Override
    public synchronized void objectRead(long objectBytes, long objectEvents) {
        objectsRead++;
        bytesRead += objectBytes;
        events += objectEvents;
        changed(false);
    }

    @Override
    public synchronized void loading(long totalRows) {
        rows = totalRows;
        loadingPhase = true;
        phaseStart = clock.instant();
        changed(true);
    }

    @Override
    public synchronized void rowsLoaded(long loaded) {
        rowsLoaded += loaded;
        changed(false);
    }

    /** @param phaseChange whether a phase just began (always worth showing) */
    protected abstract void changed(boolean phaseChange);

    /** The share of the current phase done, 0..1. */
    protected double fraction() {
        if (loadingPhase) {
            return rows == 0 ? 1 : rows < 0 ? 0 : Math.min(1, (double) rowsLoaded / rows);
        }
        return bytes == 0 ? 1 : Math.min(1, (double) bytesRead / bytes);
    }

    protected String eta() {
        double f = fraction();
        if (f <= 0.001) {
            return "ETA --:--";
        }
        long elapsed = Duration.between(phaseStart, clock.instant()).toMillis();
        long left = Math.max(0, (long) (elapsed * (1 - f) / f)) / 1000;
        return String.format(Locale.ROOT, "ETA %d:%02d", left / 60, left % 60);
    }

    protected String counters() {
        return String.format(Locale.ROOT, "%d/%d objects, %,d events read, %,d/%s rows loaded", objectsRead, objects, events,
                rowsLoaded, rows < 0 ? "?" : String.format(Locale.ROOT, "%,d", rows));
    }
}
