package dev.strata.sink.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.schemas.Sha256;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.layout.SegmentKey;
import dev.strata.schemas.store.ForwardingObjectStore;
import dev.strata.schemas.store.InMemoryBucket;
import dev.strata.schemas.store.LocalFileException;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.StoreOperation;
import dev.strata.schemas.store.StoredFile;
import dev.strata.schemas.store.VersionPolicy;
import dev.strata.schemas.store.failure.StoreUnavailableException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which failures count against a region: its own, not the local disk's an object is read into. */
class RegionHealthTest {
    private static final ObjectKey KEY = BackupLayout.segment(new SegmentKey(TenantId.of("acme"), 0, 0, 0, 0, 0));
    private static final byte[] BYTES = "segment".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path work;

    @Test
    void aLocalFileThatCannotBeWrittenLeavesTheRegionAnswering() {
        ObjectStore bucket = new InMemoryBucket().store(VersionPolicy.LATEST_VERSION);
        bucket.putIfAbsent(KEY, BYTES, Sha256.of(BYTES));
        RegionHealth health = new RegionHealth(bucket, Clock.systemUTC());

        assertThatThrownBy(() -> health.getToFile(KEY, work.resolve("missing").resolve("object")))
                .isInstanceOf(UncheckedIOException.class).hasCauseInstanceOf(LocalFileException.class);
        assertThat(health.failing()).isFalse();
    }

    @Test
    void aRegionThatDoesNotAnswerIsFailing() {
        ObjectStore down = new ForwardingObjectStore(new InMemoryBucket().store(VersionPolicy.LATEST_VERSION)) {
            @Override
            public Optional<StoredFile> getToFile(ObjectKey key, Path target) {
                throw new StoreUnavailableException(StoreOperation.GET, "test region", key, "no answer (test)", null);
            }
        };
        RegionHealth health = new RegionHealth(down, Clock.systemUTC());

        assertThatThrownBy(() -> health.getToFile(KEY, work.resolve("object"))).isInstanceOf(StoreUnavailableException.class);
        assertThat(health.failing()).isTrue();
    }
}
