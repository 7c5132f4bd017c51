package dev.strata.sink.store;

import dev.strata.schemas.ops.StoppingException;
import dev.strata.schemas.regime.RegionSettings;
import dev.strata.schemas.store.FlakyStore;
import dev.strata.schemas.store.retry.Backoff;
import dev.strata.schemas.store.retry.RetryingObjectStore;
import dev.strata.sink.Segments;
import dev.strata.sink.SinkMetrics;
import dev.strata.sink.segment.ClosedSegment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.schemas.Sha256;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.ops.StopSignal;
import dev.strata.schemas.store.InMemoryBucket;
import dev.strata.schemas.store.ObjectFileOutput;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.StoreOperation;
import dev.strata.schemas.store.VersionPolicy;
import dev.strata.schemas.store.failure.ConflictingObjectException;
import dev.strata.schemas.store.failure.StoreAccessDeniedException;
import dev.strata.schemas.store.failure.StoreUnavailableException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DualRegionUploaderTest {
    private final InMemoryBucket primaryBucket = new InMemoryBucket();
    private final InMemoryBucket backupBucket = new InMemoryBucket();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final SinkMetrics metrics = new SinkMetrics(registry, "eu");
    private final StopSignal stop = new StopSignal();
    private DualRegionUploader uploader;

    private DualRegionUploader uploader(ObjectStore primary, ObjectStore backup) {
        Backoff backoff = new Backoff(Duration.ofMillis(5), Duration.ofMillis(20));
        uploader = new DualRegionUploader(
                new DualRegionUploader.Region(RegionSettings.PRIMARY, new RetryingObjectStore(primary, backoff, 0, stop, e -> metrics.retried("primary"))),
                new DualRegionUploader.Region(RegionSettings.BACKUP, new RetryingObjectStore(backup, backoff, 0, stop, e -> metrics.retried("backup"))),
                2, metrics, Clock.systemUTC());
        return uploader;
    }

    @AfterEach
    void close() {
        stop.stop();
        if (uploader != null) {
            uploader.close();
        }
    }

    @Test
    void storesTheSameBytesUnderTheSameKeyInBothRegions() throws Exception {
        ClosedSegment segment = Segments.of("acme", 0, 99, 1_795_260_000_000_000L);
        uploader(primaryBucket.store(VersionPolicy.LATEST_VERSION), backupBucket.store(VersionPolicy.LATEST_VERSION))
                .upload(segment.key(), segment.bytes(), segment.sha256(), segment.events()).get(10, TimeUnit.SECONDS);
        byte[] inPrimary = primaryBucket.store(VersionPolicy.FIRST_VERSION).get(segment.key()).orElseThrow().bytes();
        byte[] inBackup = backupBucket.store(VersionPolicy.FIRST_VERSION).get(segment.key()).orElseThrow().bytes();
        assertThat(inPrimary).isEqualTo(segment.bytes()).isEqualTo(inBackup);
        assertThat(registry.get("strata.sink.segments.uploaded").tag("region", "backup").counter().count()).isEqualTo(1);
        assertThat(metrics.debtEvents()).isZero();
    }

    @Test
    void storesAStagedFileInBothRegionsAndRetriesItFromTheFile(@TempDir Path dir) throws Exception {
        byte[] bytes = new byte[200_000];
        new java.util.Random(7).nextBytes(bytes);
        ObjectFileOutput out = ObjectFileOutput.create(dir.resolve("orders.base"));
        try (out) {
            out.write(bytes);
        }
        ObjectKey key = Segments.of("acme", 0, 9, 1_795_260_000_000_000L).key();
        FlakyStore backup = new FlakyStore(backupBucket.store(VersionPolicy.LATEST_VERSION),
                k -> new StoreUnavailableException(StoreOperation.PUT, "backup", k, "connection reset", null),
                FlakyStore.Step.FAIL_BEFORE, FlakyStore.Step.FAIL_AFTER_WRITE);

        uploader(primaryBucket.store(VersionPolicy.LATEST_VERSION), backup).upload(key, out.objectFile(), 0).get(10, TimeUnit.SECONDS);
        assertThat(primaryBucket.store(VersionPolicy.FIRST_VERSION).get(key).orElseThrow().bytes()).isEqualTo(bytes);
        assertThat(backupBucket.store(VersionPolicy.FIRST_VERSION).get(key).orElseThrow().bytes()).isEqualTo(bytes);
        assertThat(backupBucket.store(VersionPolicy.FIRST_VERSION).versions(key)).as("the retry after a landed put finds it").hasSize(1);
        assertThat(backup.puts.get()).isEqualTo(3);
        assertThat(metrics.debtBytes()).isZero();
    }

    @Test
    void countsDebtWhileOneRegionIsDownAndClearsItWhenItReturns() throws Exception {
        ClosedSegment segment = Segments.of("acme", 0, 9, 1_795_260_000_000_000L);
        FlakyStore backup = new FlakyStore(backupBucket.store(VersionPolicy.LATEST_VERSION),
                key -> new StoreUnavailableException(StoreOperation.PUT, "backup", key, "connection refused", null));
        for (int i = 0; i < 20; i++) {
            backup.then(FlakyStore.Step.FAIL_BEFORE);
        }
        CompletableFuture<Void> durable = uploader(primaryBucket.store(VersionPolicy.LATEST_VERSION), backup)
                .upload(segment.key(), segment.bytes(), segment.sha256(), segment.events());
        await(() -> metrics.debtEvents() == 10);
        assertThat(durable).isNotDone();
        assertThat(metrics.debtBytes()).isEqualTo(segment.size());

        durable.get(10, TimeUnit.SECONDS); // the region is back after 20 refusals
        assertThat(backup.puts.get()).isEqualTo(21);
        assertThat(metrics.debtEvents()).isZero();
        assertThat(registry.get("strata.sink.upload.retries").tag("region", "backup").counter().count()).isGreaterThan(0);
    }

    @Test
    void raisesTheAlarmOnSameKeyOtherBytesAndNeverOverwrites() {
        ClosedSegment segment = Segments.of("acme", 0, 9, 1_795_260_000_000_000L);
        byte[] other = "tampered".getBytes(StandardCharsets.UTF_8);
        backupBucket.store(VersionPolicy.LATEST_VERSION).putIfAbsent(segment.key(), other, Sha256.of(other));
        CompletableFuture<Void> durable = uploader(primaryBucket.store(VersionPolicy.LATEST_VERSION), backupBucket.store(VersionPolicy.LATEST_VERSION))
                .upload(segment.key(), segment.bytes(), segment.sha256(), segment.events());
        assertThatThrownBy(() -> durable.join()).isInstanceOf(CompletionException.class).hasCauseInstanceOf(ConflictingObjectException.class);
        assertThat(registry.get("strata.sink.object.conflicts").tag("region", "backup").counter().count()).isEqualTo(1);
        assertThat(backupBucket.store(VersionPolicy.FIRST_VERSION).versions(segment.key())).hasSize(1);
        await(() -> metrics.debtEvents() == 10); // in the primary only: debt (the future failed as soon as the backup did)
    }

    @Test
    void failsAtOnceWhenOneRegionDeniesTheKeyWhileTheOtherIsStillDown() {
        ClosedSegment segment = Segments.of("acme", 0, 9, 1_795_260_000_000_000L);
        FlakyStore denied = new FlakyStore(primaryBucket.store(VersionPolicy.LATEST_VERSION),
                key -> new StoreAccessDeniedException(StoreOperation.PUT, "primary", key, "AccessDenied", null), FlakyStore.Step.FAIL_BEFORE);
        FlakyStore down = new FlakyStore(backupBucket.store(VersionPolicy.LATEST_VERSION),
                key -> new StoreUnavailableException(StoreOperation.PUT, "backup", key, "connection refused", null));
        for (int i = 0; i < 100_000; i++) {
            down.then(FlakyStore.Step.FAIL_BEFORE);
        }
        CompletableFuture<Void> durable = uploader(denied, down).upload(segment.key(), segment.bytes(), segment.sha256(), segment.events());

        assertThat(durable).failsWithin(Duration.ofSeconds(10)).withThrowableThat().havingRootCause()
                .isInstanceOf(StoreAccessDeniedException.class);
        assertThat(stop.stopped()).as("the backup's retries did not have to end first").isFalse();
        assertThat(registry.get("strata.sink.upload.failures").tag("region", "primary").counter().count()).isEqualTo(1);
        assertThat(uploader.awaitInFlight(Duration.ZERO)).as("still in flight in the backup").containsExactly(segment.key());
    }

    @Test
    void refusesAnObjectOfferedAfterTheStopBeganInBothRegions() {
        ClosedSegment segment = Segments.of("acme", 0, 9, 1_795_260_000_000_000L);
        uploader(primaryBucket.store(VersionPolicy.LATEST_VERSION), backupBucket.store(VersionPolicy.LATEST_VERSION)).stopTaking();

        CompletableFuture<Void> refused = uploader.upload(segment.key(), segment.bytes(), segment.sha256(), segment.events());

        assertThatThrownBy(refused::join).hasCauseInstanceOf(StoppingException.class).hasMessageContaining(segment.key().value());
        assertThat(primaryBucket.store(VersionPolicy.LATEST_VERSION).head(segment.key())).isEmpty();
        assertThat(backupBucket.store(VersionPolicy.LATEST_VERSION).head(segment.key())).isEmpty();
        assertThat(uploader.awaitInFlight(Duration.ZERO)).isEmpty();
    }

    @Test
    void waitsForWhatItTookUntilTheBoundAndNamesWhatIsInOneRegionOnly() throws Exception {
        ClosedSegment slow = Segments.of("acme", 0, 9, 1_795_260_000_000_000L);
        ClosedSegment stuck = Segments.of("acme", 10, 19, 1_795_260_000_000_000L);
        FlakyStore backup = new FlakyStore(backupBucket.store(VersionPolicy.LATEST_VERSION),
                key -> new StoreUnavailableException(StoreOperation.PUT, "backup", key, "connection refused", null),
                FlakyStore.Step.FAIL_BEFORE, FlakyStore.Step.FAIL_BEFORE); // the first object: two refusals, then stored
        uploader(primaryBucket.store(VersionPolicy.LATEST_VERSION), backup);
        CompletableFuture<Void> first = uploader.upload(slow.key(), slow.bytes(), slow.sha256(), slow.events());
        first.get(10, TimeUnit.SECONDS);
        for (int i = 0; i < 100_000; i++) {
            backup.then(FlakyStore.Step.FAIL_BEFORE); // from now on the backup is down
        }
        CompletableFuture<Void> second = uploader.upload(stuck.key(), stuck.bytes(), stuck.sha256(), stuck.events());
        await(() -> metrics.debtEvents() == 10);

        assertThat(uploader.awaitInFlight(Duration.ofMillis(200))).containsExactly(stuck.key());
        assertThat(second).isNotDone();
        stop.stop(); // the abort signal: only now do the retries end
        assertThat(second).failsWithin(Duration.ofSeconds(10)).withThrowableThat().havingRootCause().isInstanceOf(StoppingException.class);
    }

    private void await(java.util.function.BooleanSupplier condition) {
        for (int i = 0; i < 500 && !condition.getAsBoolean(); i++) {
            stop.awaitStop(Duration.ofMillis(10));
        }
        assertThat(condition.getAsBoolean()).as("condition within 5 s").isTrue();
    }
}
