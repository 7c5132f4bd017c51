package dev.strata.schemas.store;

import dev.strata.schemas.store.failure.ConflictingObjectException;
import dev.strata.schemas.store.failure.StoreRequestFailedException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.schemas.Sha256;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.layout.SegmentKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every ObjectStore must have (Litestream style: one suite, every implementation).
 * A subclass supplies a writer store ({@link VersionPolicy#LATEST_VERSION}, the sink's view), a
 * reader store over the same bucket ({@link VersionPolicy#FIRST_VERSION}, restore's view), and a
 * way to overwrite a key behind the seam's back, as a stolen writer key could.
 */
public abstract class ObjectStoreContract {

    /** Each test writes under its own tenant, so tests never see each other's keys. */
    protected final TenantId tenant = TenantId.of("t-" + UUID.randomUUID().toString().substring(0, 8));
    private final Random random = new Random(tenant.hashCode());

    @TempDir
    Path stagingDir;

    protected abstract ObjectStore writer();

    protected abstract ObjectStore reader();

    protected abstract void overwriteBehindTheSeam(ObjectKey key, byte[] bytes);

    @Test
    void putThenGetReturnsTheSameBytes() {
        ObjectKey key = segmentKey(1);
        byte[] bytes = bytes(300_000);
        assertThat(writer().putIfAbsent(key, bytes, Sha256.of(bytes))).isEqualTo(PutResult.WRITTEN);
        for (ObjectStore store : List.of(writer(), reader())) {
            StoredObject got = store.get(key).orElseThrow();
            assertThat(got.bytes()).isEqualTo(bytes);
            assertThat(got.objectSize()).isEqualTo(bytes.length);
            assertThat(got.declaredSha256()).contains(Sha256.of(bytes));
            assertThat(got.matchesDeclaredSha256()).isTrue();
            assertThat(got.key()).isEqualTo(key);
        }
    }

    @Test
    void getToFileWritesTheWholeObjectWithTheChecksumOfTheBytesReceived() throws IOException {
        ObjectKey key = segmentKey(5);
        byte[] bytes = bytes(300_000);
        writer().putIfAbsent(key, bytes, Sha256.of(bytes));
        for (ObjectStore store : List.of(writer(), reader())) {
            Path target = stagingDir.resolve("read-" + store.hashCode());
            StoredFile got = store.getToFile(key, target).orElseThrow();
            assertThat(Files.readAllBytes(target)).isEqualTo(bytes);
            assertThat(got.file().path()).isEqualTo(target);
            assertThat(got.file().size()).isEqualTo(bytes.length);
            assertThat(got.file().sha256()).isEqualTo(Sha256.of(bytes));
            assertThat(got.info().key()).isEqualTo(key);
            assertThat(got.info().size()).isEqualTo(bytes.length);
            assertThat(got.info().declaredSha256()).contains(Sha256.of(bytes));
            assertThat(got.info().versionId()).isEqualTo(store.get(key).orElseThrow().versionId());
        }
    }

    @Test
    void getToFileIntoAPlaceThatCannotBeWrittenFailsAsTheLocalDisks() {
        ObjectKey key = segmentKey(8);
        byte[] bytes = bytes(1000);
        writer().putIfAbsent(key, bytes, Sha256.of(bytes));
        Path target = stagingDir.resolve("no-such-directory").resolve("object");
        assertThatThrownBy(() -> reader().getToFile(key, target))
                .isInstanceOf(UncheckedIOException.class)
                .hasCauseInstanceOf(LocalFileException.class)
                .hasMessageContaining(target.toString());
        assertThat(target).doesNotExist();
    }

    @Test
    void getToFileOfAnEmptyKeyIsEmptyAndLeavesNoFile() {
        Path target = stagingDir.resolve("absent");
        for (ObjectStore store : List.of(writer(), reader())) {
            assertThat(store.getToFile(segmentKey(6), target)).isEmpty();
            assertThat(target).doesNotExist();
        }
    }

    @Test
    void getToFileReplacesWhatTheTargetHeld() throws IOException {
        ObjectKey key = segmentKey(7);
        byte[] bytes = bytes(100);
        writer().putIfAbsent(key, bytes, Sha256.of(bytes));
        Path target = stagingDir.resolve("stale");
        Files.write(target, bytes(5000));
        assertThat(reader().getToFile(key, target).orElseThrow().file().size()).isEqualTo(100);
        assertThat(Files.readAllBytes(target)).isEqualTo(bytes);
    }

    @Test
    void puttingTheSameBytesTwiceIsIdempotent() {
        ObjectKey key = segmentKey(2);
        byte[] bytes = bytes(1000);
        assertThat(writer().putIfAbsent(key, bytes, Sha256.of(bytes))).isEqualTo(PutResult.WRITTEN);
        assertThat(writer().putIfAbsent(key, bytes.clone(), Sha256.of(bytes))).isEqualTo(PutResult.ALREADY_PRESENT_IDENTICAL);
        assertThat(reader().versions(key)).hasSize(1);
    }

    @Test
    void puttingOtherBytesUnderTheSameKeyIsAConflict() {
        ObjectKey key = segmentKey(3);
        byte[] first = bytes(1000);
        byte[] other = bytes(1000);
        writer().putIfAbsent(key, first, Sha256.of(first));
        assertThatThrownBy(() -> writer().putIfAbsent(key, other, Sha256.of(other)))
                .isInstanceOf(ConflictingObjectException.class)
                .hasMessageContaining(key.value())
                .hasMessageContaining(Sha256.of(first).hex())
                .hasMessageContaining(Sha256.of(other).hex());
        assertThat(reader().get(key).orElseThrow().bytes()).isEqualTo(first);
        assertThat(reader().versions(key)).hasSize(1);
    }

    @Test
    void aChecksumThatIsNotTheBytesIsRefusedBeforeAnythingIsSent() {
        ObjectKey key = segmentKey(4);
        byte[] bytes = bytes(100);
        assertThatThrownBy(() -> writer().putIfAbsent(key, bytes, Sha256.of(new byte[] {1})))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not that of the");
        assertThat(reader().head(key)).isEmpty();
    }

    @Test
    void listingIsByPrefixInKeyOrderWithStartAfterAndPaging() {
        List<ObjectKey> keys = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            keys.add(segmentKey(10 + i));
        }
        List<ObjectKey> shuffled = new ArrayList<>(keys);
        Collections.shuffle(shuffled, random);
        for (ObjectKey key : shuffled) {
            byte[] bytes = key.value().getBytes(StandardCharsets.UTF_8);
            writer().putIfAbsent(key, bytes, Sha256.of(bytes));
        }
        byte[] manifest = bytes(10);
        ObjectKey outside = BackupLayout.manifest(new dev.strata.schemas.layout.ManifestKey(tenant,
                BackupLayout.parseSegment(keys.get(0)).hour(), 0));
        writer().putIfAbsent(outside, manifest, Sha256.of(manifest));

        for (ObjectStore store : List.of(writer(), reader())) {
            ObjectKey prefix = BackupLayout.logPrefix(tenant);
            ListPage first = store.list(prefix, Optional.empty(), 2);
            assertThat(first.keys()).containsExactly(keys.get(0), keys.get(1));
            assertThat(first.truncated()).isTrue();
            ListPage second = store.list(prefix, first.nextStartAfter(), 2);
            assertThat(second.keys()).containsExactly(keys.get(2), keys.get(3));
            ListPage third = store.list(prefix, second.nextStartAfter(), 2);
            assertThat(third.keys()).containsExactly(keys.get(4));
            assertThat(third.truncated()).isFalse();
            assertThat(third.nextStartAfter()).isEmpty();
            assertThat(third.objects().get(0).size()).isEqualTo(keys.get(4).value().length());

            assertThat(store.list(prefix, Optional.of(keys.get(2)), 10).keys()).containsExactly(keys.get(3), keys.get(4));
            assertThat(store.listAll(prefix, Optional.empty()).map(ListedObject::key)).containsExactlyElementsOf(keys);
            assertThat(store.listAll(BackupLayout.tenantPrefix(tenant), Optional.empty()).map(ListedObject::key))
                    .containsExactly(keys.get(0), keys.get(1), keys.get(2), keys.get(3), keys.get(4), outside);
            assertThat(store.list(BackupLayout.logPrefix(TenantId.of(tenant.value() + "x")), Optional.empty(), 10).objects()).isEmpty();
        }
    }

    @Test
    void headTellsSizeChecksumAndAbsence() {
        ObjectKey key = segmentKey(20);
        byte[] bytes = bytes(4321);
        assertThat(writer().head(key)).isEmpty();
        assertThat(reader().head(key)).isEmpty();
        writer().putIfAbsent(key, bytes, Sha256.of(bytes));
        for (ObjectStore store : List.of(writer(), reader())) {
            ObjectInfo info = store.head(key).orElseThrow();
            assertThat(info.size()).isEqualTo(4321);
            assertThat(info.declaredSha256()).contains(Sha256.of(bytes));
            assertThat(info.key()).isEqualTo(key);
        }
    }

    @Test
    void aRangedGetReturnsTheSlice() {
        ObjectKey key = segmentKey(21);
        byte[] bytes = bytes(1000);
        writer().putIfAbsent(key, bytes, Sha256.of(bytes));
        for (ObjectStore store : List.of(writer(), reader())) {
            StoredObject slice = store.get(key, new ByteRange(100, 100)).orElseThrow();
            assertThat(slice.bytes()).isEqualTo(Arrays.copyOfRange(bytes, 100, 200));
            assertThat(slice.objectSize()).isEqualTo(1000);
            assertThat(slice.matchesDeclaredSha256()).isFalse();
        }
        assertThat(reader().get(segmentKey(22), new ByteRange(0, 10))).isEmpty();
    }

    @Test
    void aMissingKeyReadsAsEmpty() {
        ObjectKey key = segmentKey(23);
        for (ObjectStore store : List.of(writer(), reader())) {
            assertThat(store.get(key)).isEmpty();
            assertThat(store.head(key)).isEmpty();
        }
        assertThat(reader().versions(key)).isEmpty();
    }

    @Test
    void theFirstVersionWinsAfterAnOverwrite() {
        ObjectKey key = segmentKey(30);
        byte[] original = bytes(2000);
        byte[] forged = bytes(1500);
        writer().putIfAbsent(key, original, Sha256.of(original));
        overwriteBehindTheSeam(key, forged);

        StoredObject read = reader().get(key).orElseThrow();
        assertThat(read.bytes()).isEqualTo(original);
        assertThat(read.declaredSha256()).contains(Sha256.of(original));
        assertThat(reader().head(key).orElseThrow().size()).isEqualTo(2000);
        assertThat(reader().get(key, new ByteRange(0, 10)).orElseThrow().bytes()).isEqualTo(Arrays.copyOf(original, 10));
        StoredFile readToFile = reader().getToFile(key, stagingDir.resolve("first-version")).orElseThrow();
        assertThat(readToFile.file().sha256()).isEqualTo(Sha256.of(original));
        assertThat(readToFile.info().versionId()).isEqualTo(read.versionId());
        assertThat(writer().getToFile(key, stagingDir.resolve("latest-version")).orElseThrow().file().sha256())
                .isEqualTo(Sha256.of(forged));

        List<ObjectVersionInfo> versions = reader().versions(key);
        assertThat(versions).hasSize(2);
        assertThat(versions.get(0).versionId()).isEqualTo(read.versionId().orElseThrow());
        assertThat(versions.get(0).size()).isEqualTo(2000);
        assertThat(versions.get(1).size()).isEqualTo(1500);
        assertThat(reader().list(BackupLayout.logPrefix(tenant), Optional.empty(), 10).objects())
                .containsExactly(new ListedObject(key, 2000));

        // the sink, retrying its own upload, sees the forged latest version and raises the alarm
        assertThatThrownBy(() -> writer().putIfAbsent(key, original, Sha256.of(original)))
                .isInstanceOf(ConflictingObjectException.class);
        assertThat(reader().get(key).orElseThrow().bytes()).isEqualTo(original);
    }

    @Test
    void aStagedFileIsPutUnderTheSameWriteOnceRuleAsBytes() throws IOException {
        ObjectKey key = segmentKey(50);
        byte[] bytes = bytes(700_000);
        ObjectFile file = staged("a.base", bytes);
        assertThat(file.size()).isEqualTo(bytes.length);
        assertThat(file.sha256()).isEqualTo(Sha256.of(bytes));

        assertThat(writer().putIfAbsent(key, file)).isEqualTo(PutResult.WRITTEN);
        StoredObject got = reader().get(key).orElseThrow();
        assertThat(got.bytes()).isEqualTo(bytes);
        assertThat(got.declaredSha256()).contains(Sha256.of(bytes));
        assertThat(writer().putIfAbsent(key, file)).isEqualTo(PutResult.ALREADY_PRESENT_IDENTICAL);
        assertThat(writer().putIfAbsent(key, bytes, Sha256.of(bytes))).as("bytes and file: one rule").isEqualTo(PutResult.ALREADY_PRESENT_IDENTICAL);
        byte[] other = bytes(1000);
        assertThatThrownBy(() -> writer().putIfAbsent(key, staged("other.base", other)))
                .isInstanceOf(ConflictingObjectException.class)
                .hasMessageContaining(key.value())
                .hasMessageContaining(Sha256.of(bytes).hex())
                .hasMessageContaining(Sha256.of(other).hex());
        ObjectKey fromBytes = segmentKey(51);
        writer().putIfAbsent(fromBytes, other, Sha256.of(other));
        assertThatThrownBy(() -> writer().putIfAbsent(fromBytes, file)).isInstanceOf(ConflictingObjectException.class);
        assertThat(reader().versions(key)).hasSize(1);
        assertThat(reader().versions(fromBytes)).hasSize(1);
    }

    @Test
    void aStagedFileChangedAfterItWasWrittenIsRefusedAndNothingIsStored() throws IOException {
        ObjectKey sameSize = segmentKey(52);
        ObjectFile file = staged("changed.base", bytes(5000));
        Files.write(file.path(), bytes(5000));
        assertThatThrownBy(() -> writer().putIfAbsent(sameSize, file)).as("the transfer's Content-MD5 check")
                .isInstanceOf(StoreRequestFailedException.class);
        assertThat(reader().head(sameSize)).isEmpty();

        ObjectKey otherSize = segmentKey(53);
        ObjectFile grown = staged("grown.base", bytes(5000));
        Files.write(grown.path(), bytes(10), StandardOpenOption.APPEND);
        assertThatThrownBy(() -> writer().putIfAbsent(otherSize, grown)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(otherSize.value()).hasMessageContaining("changed after it was written");
        assertThat(reader().head(otherSize)).isEmpty();
    }

    /** {@code bytes} written through an ObjectFileOutput, as a base table is. */
    private ObjectFile staged(String name, byte[] bytes) throws IOException {
        ObjectFileOutput out = ObjectFileOutput.create(stagingDir.resolve(name));
        try (out) {
            out.write(bytes, 0, bytes.length / 3);
            out.write(bytes, bytes.length / 3, bytes.length - bytes.length / 3);
        }
        return out.objectFile();
    }

    protected ObjectKey segmentKey(int n) {
        long t = 1_795_000_000_000_000L + n * 1_000_000L;
        return BackupLayout.segment(new SegmentKey(tenant, t, t + 999, n % 3, n * 100L, n * 100L + 99));
    }

    protected byte[] bytes(int length) {
        byte[] b = new byte[length];
        random.nextBytes(b);
        return b;
    }
}
