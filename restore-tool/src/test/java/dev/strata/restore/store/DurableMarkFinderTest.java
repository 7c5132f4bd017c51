package dev.strata.restore.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.restore.VerificationFailedException;
import dev.strata.restore.durable.DurablePoint;
import dev.strata.restore.durable.DurablePointSearch;
import dev.strata.restore.durable.DurableReach;
import dev.strata.restore.plan.RestoreTime;
import dev.strata.schemas.Sha256;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.durable.DurableMark;
import dev.strata.schemas.durable.DurableMarkCodec;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.DurableMarkKey;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.store.ForwardingObjectStore;
import dev.strata.schemas.store.InMemoryBucket;
import dev.strata.schemas.store.ListPage;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.VersionPolicy;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The newest durable mark by name, in a bounded number of LISTs; and the durable point of a regime read from the marks. */
class DurableMarkFinderTest {
    private static final TenantId ACME = TenantId.of("acme");
    private static final long T0 = RestoreTime.parse("2026-11-20T22:00:00Z");
    private static final long SECOND = 1_000_000L;
    private static final long NOW = RestoreTime.parse("2026-12-05T06:00:00Z");

    private final InMemoryBucket primary = new InMemoryBucket();
    private final InMemoryBucket backup = new InMemoryBucket();

    /** Counts the LIST requests that reach the store. */
    private static final class CountingLists extends ForwardingObjectStore {
        final AtomicInteger lists = new AtomicInteger();

        CountingLists(ObjectStore delegate) {
            super(delegate);
        }

        @Override
        public ListPage list(ObjectKey prefix, Optional<ObjectKey> startAfter, int maxKeys) {
            lists.incrementAndGet();
            return delegate.list(prefix, startAfter, maxKeys);
        }
    }

    @Test
    void findsTheNewestOf10000MarksInAFewListsNearTheGuessAndABoundedNumberFarFromIt() {
        ObjectStore store = primary.store(VersionPolicy.FIRST_VERSION);
        int marks = 10_000;
        for (int i = 0; i < marks; i++) { // one every 5 s, as the sink's default interval writes a busy tenant's: about 14 hours
            put(primary, mark(ACME, T0 + i * 5 * SECOND, i));
        }
        put(primary, mark(TenantId.of("acme2"), T0 + 100_000 * SECOND, 1)); // a tenant sorting right after
        stray(primary, "durable/00000000/stray.txt");
        long newest = T0 + (marks - 1) * 5 * SECOND;

        assertThat(listsToFind(store, newest + 3 * SECOND, newest)).as("guessed 'now', 3 s after the newest mark").isLessThanOrEqualTo(5);
        assertThat(listsToFind(store, newest - 3600 * SECOND, newest)).as("guessed an hour early").isLessThanOrEqualTo(20);
        assertThat(listsToFind(store, newest + 365L * 86_400 * SECOND, newest)).as("guessed a year late").isLessThanOrEqualTo(45);
        assertThat(listsToFind(store, 0, newest)).as("guessed the epoch").isLessThanOrEqualTo(30);
        assertThat(listsToFind(store, Long.MAX_VALUE, newest)).as("guessed past the year 9999: the worst case").isLessThanOrEqualTo(70);
    }

    private static int listsToFind(ObjectStore store, long expectedMicros, long newest) {
        CountingLists counting = new CountingLists(store);
        assertThat(DurableMarkFinder.newest(counting, ACME, expectedMicros)).map(DurableMarkKey::pointMicros).contains(newest);
        System.out.printf("DurableMarkFinder: newest of 10,000 marks found from %s with %d LIST requests%n",
                RestoreTime.format(Math.min(expectedMicros, 253_402_300_799_999_999L)), counting.lists.get());
        return counting.lists.get();
    }

    @Test
    void aRegionWithoutMarksHasNoneAndStraysAreSteppedOver() {
        CountingLists empty = new CountingLists(primary.store(VersionPolicy.FIRST_VERSION));
        assertThat(DurableMarkFinder.newest(empty, ACME, NOW)).isEmpty();
        assertThat(empty.lists.get()).as("LISTs to learn that a region holds no mark of the tenant").isLessThanOrEqualTo(2);
        stray(primary, "durable/20261120/22/stray.mark");
        assertThat(DurableMarkFinder.newest(primary.store(VersionPolicy.FIRST_VERSION), ACME, NOW)).isEmpty();
        put(primary, mark(ACME, T0, 1));
        assertThat(DurableMarkFinder.newest(primary.store(VersionPolicy.FIRST_VERSION), ACME, NOW)).map(DurableMarkKey::pointMicros).contains(T0);
    }

    @Test
    void theDurablePointIsTheNewestMarkOfTheRegionsAndEachRegionIsShown() {
        put(primary, mark(ACME, T0, 1));
        put(backup, mark(ACME, T0, 1));
        put(backup, mark(ACME, T0 + 7 * SECOND, 2)); // the primary's put of this one is still under way

        DurablePoint point = DurablePoint.read(stores(), ACME, NOW);

        assertThat(point.point()).contains(T0 + 7 * SECOND);
        assertThat(point.in(Region.PRIMARY)).contains(T0);
        assertThat(point.describe()).isEqualTo("newest durable mark in primary " + RestoreTime.format(T0) + ", in backup "
                + RestoreTime.format(T0 + 7 * SECOND));
        assertThat(DurablePoint.read(stores(), TenantId.of("globex"), NOW).point()).isEmpty();
    }

    @Test
    @Timeout(10) // a race that waited for its slowest search would hang here: the searches from now are held until the end
    void aSearchFromABetterGuessAnswersWhileTheSearchFromNowIsStillUnderWay() throws Exception {
        for (int i = 0; i < 100; i++) { // marks of an idle tenant, two weeks before the clock
            put(primary, mark(ACME, T0 + i * 5 * SECOND, i));
            put(backup, mark(ACME, T0 + i * 5 * SECOND, i));
        }
        CountDownLatch released = new CountDownLatch(1);
        AtomicInteger fromNow = new AtomicInteger();
        ObjectKey nearNow = BackupLayout.marksStartAfter(ACME, NOW - 86_400 * SECOND);
        java.util.function.Function<InMemoryBucket, ObjectStore> holdingListsNearNow = bucket -> new ForwardingObjectStore(
                bucket.store(VersionPolicy.FIRST_VERSION)) {
            @Override
            public ListPage list(ObjectKey prefix, Optional<ObjectKey> startAfter, int maxKeys) {
                if (startAfter.isPresent() && startAfter.get().compareTo(nearNow) > 0) { // the search from now: held as a slow region holds it
                    fromNow.incrementAndGet();
                    await(released);
                }
                return delegate.list(prefix, startAfter, maxKeys);
            }
        };
        RegimeStores stores = new RegimeStores("eu", new RegionStore(Region.PRIMARY, holdingListsNearNow.apply(primary), "p."),
                new RegionStore(Region.BACKUP, holdingListsNearNow.apply(backup), "b."));
        try {
            DurablePoint point = DurablePointSearch.start(stores, ACME, NOW).alsoFrom(T0).await();

            assertThat(point.point()).as("found from the guess while the search from now waits on its first LIST").contains(T0 + 99 * 5 * SECOND);
            assertThat(point.in(Region.BACKUP)).contains(T0 + 99 * 5 * SECOND);
            assertThat(fromNow.get()).as("LISTs of the searches from now: at most their first, still held").isLessThanOrEqualTo(2);
        } finally {
            released.countDown();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aMarkNamingAnotherTenantIsRefusedNamingTheObject() {
        put(primary, mark(ACME, T0, 1));
        DurableMark planted = mark(TenantId.of("eff"), T0 + 60 * SECOND, 2);
        ObjectKey underAcme = BackupLayout.mark(new DurableMarkKey(ACME, planted.pointMicros(), planted.partition(), planted.committedOffset()));
        byte[] bytes = DurableMarkCodec.encode(planted);
        primary.store(VersionPolicy.LATEST_VERSION).putIfAbsent(underAcme, bytes, Sha256.of(bytes));

        assertThatThrownBy(() -> DurablePoint.read(stores(), ACME, NOW)).isInstanceOf(VerificationFailedException.class)
                .hasMessageContaining("durable mark " + underAcme).hasMessageContaining("names tenant 'eff'")
                .hasMessageContaining("rotate the regime's writer key");
    }

    @Test
    void whetherThePointReachedATimeIsOneListPerRegionAndAMarkInOneRegionProvesIt() {
        put(primary, mark(ACME, T0, 1));
        put(backup, mark(ACME, T0, 1));
        CountingLists p = new CountingLists(primary.store(VersionPolicy.FIRST_VERSION));
        CountingLists b = new CountingLists(backup.store(VersionPolicy.FIRST_VERSION));
        RegimeStores stores = new RegimeStores("eu", new RegionStore(Region.PRIMARY, p, "p."), new RegionStore(Region.BACKUP, b, "b."));

        assertThat(DurableReach.reached(stores, ACME, T0 + SECOND)).isEmpty();
        assertThat(p.lists.get() + b.lists.get()).as("one LIST per region").isEqualTo(2);
        assertThat(DurableReach.reached(stores, ACME, T0)).as("a mark at the time itself").contains(T0);

        stray(backup, "durable/20261120/22/20261120T220001.500000Z.stray"); // between the time asked and the next mark
        put(backup, mark(ACME, T0 + 2 * SECOND, 2)); // the primary's put of this one is still under way
        assertThat(DurableReach.reached(stores, ACME, T0 + SECOND)).as("in the backup only, past a stray key").contains(T0 + 2 * SECOND);

        DurableMark planted = mark(TenantId.of("eff"), T0 + 60 * SECOND, 3);
        ObjectKey underAcme = BackupLayout.mark(new DurableMarkKey(ACME, planted.pointMicros(), planted.partition(), planted.committedOffset()));
        byte[] bytes = DurableMarkCodec.encode(planted);
        primary.store(VersionPolicy.LATEST_VERSION).putIfAbsent(underAcme, bytes, Sha256.of(bytes));
        assertThatThrownBy(() -> DurableReach.reached(stores, ACME, T0 + 30 * SECOND)).isInstanceOf(VerificationFailedException.class)
                .hasMessageContaining("durable mark " + underAcme).hasMessageContaining("names tenant 'eff'");
    }

    private RegimeStores stores() {
        return new RegimeStores("eu", new RegionStore(Region.PRIMARY, primary.store(VersionPolicy.FIRST_VERSION), "p."),
                new RegionStore(Region.BACKUP, backup.store(VersionPolicy.FIRST_VERSION), "b."));
    }

    private static DurableMark mark(TenantId tenant, long point, long offset) {
        return new DurableMark(tenant, "eu", point, 1000 + offset, 0, offset, point + SECOND);
    }

    private static void put(InMemoryBucket bucket, DurableMark mark) {
        byte[] bytes = DurableMarkCodec.encode(mark);
        bucket.store(VersionPolicy.LATEST_VERSION).putIfAbsent(BackupLayout.mark(mark.key()), bytes, Sha256.of(bytes));
    }

    private static void stray(InMemoryBucket bucket, String underTenant) {
        byte[] bytes = "stray".getBytes(StandardCharsets.UTF_8);
        bucket.store(VersionPolicy.LATEST_VERSION).putIfAbsent(BackupLayout.keyOf(BackupLayout.tenantPrefix(ACME).value() + underTenant), bytes,
                Sha256.of(bytes));
    }
}
