package dev.strata.schemas.store.retry;

import dev.strata.schemas.ops.StoppingException;
import dev.strata.schemas.store.FlakyStore;
import dev.strata.schemas.store.InMemoryBucket;
import dev.strata.schemas.store.PutResult;
import dev.strata.schemas.store.StoreOperation;
import dev.strata.schemas.store.VersionPolicy;
import dev.strata.schemas.store.failure.ConflictingObjectException;
import dev.strata.schemas.store.failure.StoreAccessDeniedException;
import dev.strata.schemas.store.failure.StoreUnavailableException;
import dev.strata.schemas.store.failure.UnknownOutcomeException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.schemas.Sha256;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.layout.SegmentKey;
import dev.strata.schemas.ops.StopSignal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetryingObjectStoreTest {
    private static final ObjectKey KEY = BackupLayout.segment(new SegmentKey(TenantId.of("acme"), 1_000_000, 2_000_000, 0, 0, 9));
    private static final byte[] BYTES = "segment".getBytes(StandardCharsets.UTF_8);
    private static final Backoff FAST = new Backoff(Duration.ofMillis(1), Duration.ofMillis(2));

    private final InMemoryBucket bucket = new InMemoryBucket();
    private final List<String> retries = new ArrayList<>();
    private final StopSignal stop = new StopSignal();

    private RetryingObjectStore retrying(FlakyStore flaky, int maxAttempts) {
        return new RetryingObjectStore(flaky, FAST, maxAttempts, stop, e -> retries.add(e.getClass().getSimpleName()));
    }

    @Test
    void retriesAnUnreachableStoreUntilItAnswers() {
        FlakyStore flaky = new FlakyStore(bucket.store(VersionPolicy.LATEST_VERSION), RetryingObjectStoreTest::unavailable,
                FlakyStore.Step.FAIL_BEFORE, FlakyStore.Step.FAIL_BEFORE, FlakyStore.Step.FAIL_BEFORE);
        assertThat(retrying(flaky, 0).putIfAbsent(KEY, BYTES, Sha256.of(BYTES))).isEqualTo(PutResult.WRITTEN);
        assertThat(retries).hasSize(3);
        assertThat(bucket.store(VersionPolicy.FIRST_VERSION).versions(KEY)).hasSize(1);
    }

    @Test
    void anUnknownOutcomeThatDidLandIsFoundByTheRetryAndNotWrittenTwice() {
        FlakyStore flaky = new FlakyStore(bucket.store(VersionPolicy.LATEST_VERSION),
                key -> new UnknownOutcomeException(StoreOperation.PUT, "test", key, "timeout", null), FlakyStore.Step.FAIL_AFTER_WRITE);
        assertThat(retrying(flaky, 0).putIfAbsent(KEY, BYTES, Sha256.of(BYTES))).isEqualTo(PutResult.ALREADY_PRESENT_IDENTICAL);
        assertThat(retries).containsExactly("UnknownOutcomeException");
        assertThat(bucket.store(VersionPolicy.FIRST_VERSION).versions(KEY)).hasSize(1);
    }

    @Test
    void neverRetriesAConflictOrAnAccessDenial() {
        bucket.store(VersionPolicy.LATEST_VERSION).putIfAbsent(KEY, "other".getBytes(StandardCharsets.UTF_8),
                Sha256.of("other".getBytes(StandardCharsets.UTF_8)));
        FlakyStore flaky = new FlakyStore(bucket.store(VersionPolicy.LATEST_VERSION), RetryingObjectStoreTest::unavailable);
        assertThatThrownBy(() -> retrying(flaky, 0).putIfAbsent(KEY, BYTES, Sha256.of(BYTES))).isInstanceOf(ConflictingObjectException.class);

        FlakyStore denied = new FlakyStore(new InMemoryBucket().store(VersionPolicy.LATEST_VERSION),
                key -> new StoreAccessDeniedException(StoreOperation.PUT, "test", key, "AccessDenied", null), FlakyStore.Step.FAIL_BEFORE);
        assertThatThrownBy(() -> retrying(denied, 0).putIfAbsent(KEY, BYTES, Sha256.of(BYTES)))
                .isInstanceOf(StoreAccessDeniedException.class).hasMessageContaining("s3:PutObject");
        assertThat(retries).isEmpty();
        assertThat(denied.puts.get()).isEqualTo(1);
    }

    @Test
    void givesUpAfterMaxAttemptsWhenBounded() {
        FlakyStore flaky = new FlakyStore(bucket.store(VersionPolicy.LATEST_VERSION), RetryingObjectStoreTest::unavailable,
                FlakyStore.Step.FAIL_BEFORE, FlakyStore.Step.FAIL_BEFORE, FlakyStore.Step.FAIL_BEFORE);
        assertThatThrownBy(() -> retrying(flaky, 2).putIfAbsent(KEY, BYTES, Sha256.of(BYTES))).isInstanceOf(StoreUnavailableException.class);
        assertThat(flaky.puts.get()).isEqualTo(2);
    }

    @Test
    void stopsRetryingWhenTheSinkStops() {
        FlakyStore flaky = new FlakyStore(bucket.store(VersionPolicy.LATEST_VERSION), RetryingObjectStoreTest::unavailable,
                FlakyStore.Step.FAIL_BEFORE);
        stop.stop();
        assertThatThrownBy(() -> retrying(flaky, 0).putIfAbsent(KEY, BYTES, Sha256.of(BYTES))).isInstanceOf(StoppingException.class);
    }

    private static StoreUnavailableException unavailable(ObjectKey key) {
        return new StoreUnavailableException(StoreOperation.PUT, "test", key, "connection refused", null);
    }
}
