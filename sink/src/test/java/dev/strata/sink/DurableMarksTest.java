package dev.strata.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.schemas.TenantId;
import dev.strata.schemas.durable.DurableMark;
import dev.strata.schemas.durable.DurableMarkCodec;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.ops.StopSignal;
import dev.strata.schemas.regime.RegionSettings;
import dev.strata.schemas.store.InMemoryBucket;
import dev.strata.schemas.store.ListedObject;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.VersionPolicy;
import dev.strata.schemas.store.retry.Backoff;
import dev.strata.schemas.store.retry.RetryingObjectStore;
import dev.strata.schemas.testing.MutableClock;
import dev.strata.sink.store.DualRegionUploader;
import dev.strata.sink.watermark.DurableMarkWriter;
import dev.strata.sink.watermark.WatermarkTracker.Advance;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link DurableMarkWriter}: what it writes, when (the per-tenant interval), and that a slow region never piles marks up. */
class DurableMarksTest {
    private static final TenantId ACME = TenantId.of("acme");
    private static final TenantId GLOBEX = TenantId.of("globex");
    private static final Duration INTERVAL = Duration.ofSeconds(5);
    private static final long T0 = Instant.parse("2026-11-21T10:00:00Z").getEpochSecond() * 1_000_000L;

    private final InMemoryBucket primaryBucket = new InMemoryBucket();
    private final InMemoryBucket backupBucket = new InMemoryBucket();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T10:00:01Z"));
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final SinkMetrics metrics = new SinkMetrics(registry, "eu");
    private final StopSignal abort = new StopSignal();
    private HeldPuts heldBackup;
    private DualRegionUploader uploader;
    private DurableMarkWriter marks;

    private void start(boolean holdBackup) {
        Backoff backoff = new Backoff(Duration.ofMillis(5), Duration.ofMillis(20));
        ObjectStore backup = backupBucket.store(VersionPolicy.LATEST_VERSION);
        if (holdBackup) {
            backup = heldBackup = new HeldPuts(backup, key -> key.value().endsWith(".mark"));
        }
        uploader = new DualRegionUploader(
                new DualRegionUploader.Region(RegionSettings.PRIMARY, new RetryingObjectStore(primaryBucket.store(VersionPolicy.LATEST_VERSION),
                        backoff, 0, abort, e -> { })),
                new DualRegionUploader.Region(RegionSettings.BACKUP, new RetryingObjectStore(backup, backoff, 0, abort, e -> { })),
                1, metrics, clock);
        marks = new DurableMarkWriter(uploader, "eu", INTERVAL, clock, metrics);
    }

    @AfterEach
    void close() {
        if (heldBackup != null) {
            heldBackup.die();
        }
        abort.stop();
        uploader.close();
    }

    @Test
    void writesTheFirstAdvanceAtOnceThenAtMostOneMarkPerIntervalWithTheNewestPoint() {
        start(false);
        marks.advanced(ACME, new Advance(T0 + 1, 11), 3, 100);
        settle();
        assertThat(points(primaryBucket, ACME)).containsExactly(T0 + 1);
        assertThat(points(backupBucket, ACME)).containsExactly(T0 + 1);
        DurableMark first = read(primaryBucket, ACME).get(0);
        assertThat(first).isEqualTo(new DurableMark(ACME, "eu", T0 + 1, 11, 3, 100, micros(clock.instant())));

        clock.advance(Duration.ofSeconds(1));
        marks.advanced(ACME, new Advance(T0 + 2, 12), 3, 110);
        marks.advanced(ACME, new Advance(T0 + 3, 13), 3, 120);
        marks.advanced(ACME, new Advance(T0 + 3, 13), 3, 130); // not news: the point did not rise
        marks.advanced(GLOBEX, new Advance(T0 + 7, 17), 1, 40); // another tenant has an interval of its own
        clock.advance(Duration.ofSeconds(3));
        marks.tick();
        settle();
        assertThat(points(primaryBucket, ACME)).as("within the interval: nothing more").containsExactly(T0 + 1);
        assertThat(points(primaryBucket, GLOBEX)).containsExactly(T0 + 7);

        clock.advance(Duration.ofSeconds(1));
        marks.tick();
        settle();
        assertThat(points(primaryBucket, ACME)).as("once the interval passed: the newest pending point only").containsExactly(T0 + 1, T0 + 3);
        assertThat(read(backupBucket, ACME).get(1)).isEqualTo(new DurableMark(ACME, "eu", T0 + 3, 13, 3, 120, micros(clock.instant())));
        assertThat(registry.get(SinkMetrics.PREFIX + "durable.marks").counter().count()).isEqualTo(3);

        marks.advanced(ACME, new Advance(T0 + 2, 12), 3, 140); // lower than written: a mark only raises the point
        clock.advance(INTERVAL);
        marks.tick();
        settle();
        assertThat(points(primaryBucket, ACME)).containsExactly(T0 + 1, T0 + 3);
    }

    @Test
    void aGracefulStopFlushesWhatTheIntervalHeldBack() {
        start(false);
        marks.advanced(ACME, new Advance(T0 + 1, 11), 0, 5);
        marks.advanced(ACME, new Advance(T0 + 9, 19), 0, 9);
        marks.flush();
        settle();
        assertThat(points(primaryBucket, ACME)).containsExactly(T0 + 1, T0 + 9);
        assertThat(points(backupBucket, ACME)).containsExactly(T0 + 1, T0 + 9);
    }

    @Test
    void whileARegionHoldsAMarkTheNextWaitsAndOnlyTheNewestPointFollows() {
        start(true);
        marks.advanced(ACME, new Advance(T0 + 1, 11), 0, 5);
        heldBackup.awaitHeld(1);
        for (int i = 2; i <= 5; i++) {
            clock.advance(INTERVAL);
            marks.advanced(ACME, new Advance(T0 + i, 10 + i), 0, 5 + i);
            marks.tick();
        }
        uploader.settled(Duration.ofMillis(200));
        assertThat(points(primaryBucket, ACME)).as("one mark in flight: the primary has it, the backup holds it").containsExactly(T0 + 1);
        heldBackup.releaseNext();
        settle();
        marks.tick();
        heldBackup.releaseNext();
        settle();
        assertThat(points(primaryBucket, ACME)).as("then only the newest of the four held back").containsExactly(T0 + 1, T0 + 5);
        assertThat(points(backupBucket, ACME)).containsExactly(T0 + 1, T0 + 5);
    }

    private void settle() {
        assertThat(uploader.settled(Duration.ofSeconds(10))).as("the mark puts ended").isTrue();
        assertThat(marks.settled(Duration.ofSeconds(10))).as("and the writer heard of it").isTrue();
    }

    private static List<Long> points(InMemoryBucket bucket, TenantId tenant) {
        return bucket.store(VersionPolicy.FIRST_VERSION).listAll(BackupLayout.marksPrefix(tenant), Optional.empty())
                .map(o -> BackupLayout.parseMark(o.key()).pointMicros()).toList();
    }

    private static List<DurableMark> read(InMemoryBucket bucket, TenantId tenant) {
        ObjectStore store = bucket.store(VersionPolicy.FIRST_VERSION);
        return store.listAll(BackupLayout.marksPrefix(tenant), Optional.empty()).map(ListedObject::key)
                .map(k -> DurableMarkCodec.decode(store.get(k).orElseThrow().bytes())).toList();
    }

    private static long micros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1000;
    }
}
