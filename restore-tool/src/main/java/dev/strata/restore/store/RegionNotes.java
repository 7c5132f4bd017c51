package dev.strata.restore.store;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What a restore had to work around, for its summary: objects read from the backup region and
 * why, regions that could not be reached, stray keys. Thread-safe: readers report in parallel.
 */
public final class RegionNotes {
    private final List<String> notes = new ArrayList<>();
    private final Map<Region, Long> objectsFrom = new EnumMap<>(Region.class);

    public synchronized void note(String text) {
        notes.add(text);
    }

    public synchronized void readFrom(Region region) {
        objectsFrom.merge(region, 1L, Long::sum);
    }

    public synchronized long objectsFrom(Region region) {
        return objectsFrom.getOrDefault(region, 0L);
    }

    public synchronized List<String> notes() {
        return List.copyOf(notes);
    }
}
