package dev.strata.restore.store;

import static dev.strata.schemas.testing.Changes.insert;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.restore.plan.RestoreTime;
import dev.strata.restore.testing.SinkBackup;
import dev.strata.schemas.Sha256;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.store.InMemoryBucket;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.VersionPolicy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NewestSegmentFinderTest {
    private static final TenantId ACME = TenantId.of("acme");
    private static final long T0 = RestoreTime.parse("2026-11-20T22:00:00Z");
    private static final long SECOND = 1_000_000L;
    private static final long NOW = RestoreTime.parse("2026-12-05T06:00:00Z");

    @TempDir
    Path work;
    private final ObjectStore store = new InMemoryBucket().store(VersionPolicy.LATEST_VERSION);
    private SinkBackup sink;
    private long lsn;

    @BeforeEach
    void startTheSink() {
        sink = new SinkBackup(store, new InMemoryBucket().store(VersionPolicy.LATEST_VERSION), work);
    }

    @AfterEach
    void stopTheSink() {
        sink.close();
    }

    @Test
    void findsTheNewestSegmentOfALongLogWhereverTheSearchStarts() {
        for (long s = 0; s < 30 * 3600; s += 97) { // a segment every 97 s for 30 hours, over two days
            put(ACME, 0, T0 + s * SECOND, T0 + (s + 1) * SECOND);
        }
        put(TenantId.of("acme2"), 0, T0 + 40L * 3600 * SECOND, T0 + 41L * 3600 * SECOND); // a tenant sorting right after
        long newest = T0 + ((30 * 3600 - 1) / 97 * 97 + 1) * SECOND;

        assertThat(NewestSegmentFinder.durableUntilMicros(store, ACME, NOW)).contains(newest);
        assertThat(NewestSegmentFinder.durableUntilMicros(store, ACME, newest - 5 * SECOND)).contains(newest);
        assertThat(NewestSegmentFinder.durableUntilMicros(store, ACME, newest + 3600 * SECOND))
                .as("a guess past the end costs requests, not the answer").contains(newest);
        assertThat(NewestSegmentFinder.durableUntilMicros(store, ACME, T0 - 3600 * SECOND)).contains(newest);
    }

    @Test
    void aSegmentOfAnotherPartitionThatBeganEarlierButEndsLaterCounts() {
        put(ACME, 0, T0, T0 + 50 * SECOND);
        put(ACME, 1, T0 + 10 * SECOND, T0 + 11 * SECOND);

        assertThat(NewestSegmentFinder.durableUntilMicros(store, ACME, NOW)).contains(T0 + 50 * SECOND);
    }

    @Test
    void aRegionWithoutSegmentsHoldsNothingAndStrayKeysAreSkipped() {
        assertThat(NewestSegmentFinder.durableUntilMicros(store, ACME, T0)).isEmpty();

        byte[] bytes = "stray".getBytes(StandardCharsets.UTF_8);
        store.putIfAbsent(BackupLayout.keyOf(BackupLayout.logPrefix(ACME).value() + "00000000/stray.txt"), bytes, Sha256.of(bytes));
        assertThat(NewestSegmentFinder.durableUntilMicros(store, ACME, NOW)).isEmpty();

        put(ACME, 0, T0, T0 + SECOND);
        assertThat(NewestSegmentFinder.durableUntilMicros(store, ACME, NOW)).contains(T0 + SECOND);
    }

    /** One segment the sink cuts of two changes of {@code tenant}, committed at {@code minMicros} and {@code maxMicros}. */
    private void put(TenantId tenant, int partition, long minMicros, long maxMicros) {
        List<ChangeEvent> changes = List.of(insert(tenant.value(), "public.items", minMicros, ++lsn, lsn, "first"),
                insert(tenant.value(), "public.items", maxMicros, ++lsn, lsn, "last"));
        assertThat(sink.write(partition, changes, SinkBackup.everyNEvents(2))).hasSize(1);
    }
}
