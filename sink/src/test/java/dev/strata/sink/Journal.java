package dev.strata.sink;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * What the sink did, in the order it happened, across the poll thread and the upload threads: offset
 * commits, puts that reached a region, watermarks sent. The ordering invariants are read from it.
 */
final class Journal {
    private final List<String> entries = new ArrayList<>();

    synchronized void add(String entry) {
        entries.add(entry);
    }

    synchronized List<String> entries() {
        return List.copyOf(entries);
    }

    /** The index of the first entry that matches, or -1. */
    synchronized int first(Predicate<String> matching) {
        for (int i = 0; i < entries.size(); i++) {
            if (matching.test(entries.get(i))) {
                return i;
            }
        }
        return -1;
    }

    /** The index of the first entry that starts with {@code prefix}, or -1. */
    int first(String prefix) {
        return first(e -> e.startsWith(prefix));
    }

    synchronized long count(String prefix) {
        return entries.stream().filter(e -> e.startsWith(prefix)).count();
    }

    @Override
    public synchronized String toString() {
        return String.join("\n", entries);
    }
}
