package dev.strata.sink.base;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * When and how the sink folds a tenant's log into a base (keys and defaults in {@link SinkConfig}).
 * A base is made when the log durable since the last base reaches {@code minEvents} or
 * {@code minBytes}, or when the last base is older than {@code maxAge} and there is log after it.
 *
 * @param maxSegmentSpan the longest commit span of one segment: how far before the last cut the log is listed
 * @param memoryBytes what the fold may hold before it spills to {@code spillDir}
 */
public record BaseSettings(long minEvents, long minBytes, Duration maxAge, Duration checkInterval, Duration maxSegmentSpan,
                    long memoryBytes, Path spillDir) {

    public BaseSettings {
        Objects.requireNonNull(maxAge, "maxAge");
        Objects.requireNonNull(checkInterval, "checkInterval");
        Objects.requireNonNull(maxSegmentSpan, "maxSegmentSpan");
        Objects.requireNonNull(spillDir, "spillDir");
    }

    @Override
    public String toString() {
        return "base.min.events=" + minEvents + ", base.min.bytes=" + minBytes + ", base.max.age=" + maxAge
                + ", base.check.interval=" + checkInterval + ", base.memory.bytes=" + memoryBytes + ", base.spill.dir=" + spillDir;
    }
}
