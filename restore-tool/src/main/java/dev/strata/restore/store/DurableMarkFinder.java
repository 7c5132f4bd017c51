package dev.strata.restore.store;

import dev.strata.schemas.TenantId;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.DurableMarkKey;
import dev.strata.schemas.layout.InvalidObjectKeyException;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.store.ObjectStore;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * The newest durable mark of a tenant in one region, by its name alone: marks are named by their
 * point, so a {@link NewestKeySearch} narrows to one minute in a few single-key LISTs when the
 * guess is close (a live tenant's newest mark is seconds before now), then the marks of that minute
 * (a dozen at the sink's 5 s interval) are listed in one more. The count does not grow with the
 * number of marks ({@code DurableMarkFinderTest} measures it).
 */
public final class DurableMarkFinder {
    private static final long RESOLUTION_MICROS = Duration.ofMinutes(1).toNanos() / 1000;

    private DurableMarkFinder() {
    }

    /**
     * @param expectedMicros where the newest mark is expected: now, or the tenant's watermark
     * @return the key of the mark with the greatest point; empty when the region holds no mark of the tenant
     */
    public static Optional<DurableMarkKey> newest(ObjectStore store, TenantId tenant, long expectedMicros) {
        return newest(store, tenant, expectedMicros, () -> false);
    }

    /** As {@link #newest(ObjectStore, TenantId, long)}, stopping with {@link NewestKeySearch.Abandoned} once {@code answered} says so. */
    public static Optional<DurableMarkKey> newest(ObjectStore store, TenantId tenant, long expectedMicros, BooleanSupplier answered) {
        NewestKeySearch<DurableMarkKey> search = new NewestKeySearch<>(BackupLayout.marksPrefix(tenant),
                from -> BackupLayout.marksStartAfter(tenant, from), DurableMarkFinder::mark, DurableMarkKey::pointMicros);
        Optional<Long> newest = search.newestWithin(store, expectedMicros, RESOLUTION_MICROS, answered);
        if (newest.isEmpty()) {
            return Optional.empty();
        }
        try (Stream<DurableMarkKey> last = search.from(store, newest.get())) {
            return last.max(Comparator.comparingLong(DurableMarkKey::pointMicros));
        }
    }

    private static Optional<DurableMarkKey> mark(ObjectKey key) {
        try {
            return Optional.of(BackupLayout.parseMark(key));
        } catch (InvalidObjectKeyException e) {
            return Optional.empty();
        }
    }
}
