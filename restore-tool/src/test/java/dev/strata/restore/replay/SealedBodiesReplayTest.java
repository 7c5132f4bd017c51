package dev.strata.restore.replay;

import static dev.strata.schemas.testing.Changes.delete;
import static dev.strata.schemas.testing.Changes.insert;
import static dev.strata.schemas.testing.Changes.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.restore.plan.RestorePlan;
import dev.strata.restore.store.RegimeStores;
import dev.strata.restore.store.Region;
import dev.strata.restore.store.RegionStore;
import dev.strata.restore.target.NdjsonTarget;
import dev.strata.restore.testing.SinkBackup;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.UtcHour;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.base.BaseManifest;
import dev.strata.schemas.crypto.BodySealer;
import dev.strata.schemas.crypto.SealedBody;
import dev.strata.schemas.fold.FoldMemory;
import dev.strata.schemas.keystore.StoredDataKeys;
import dev.strata.schemas.keystore.TestKeyStores;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.store.InMemoryBucket;
import dev.strata.schemas.store.ListedObject;
import dev.strata.schemas.store.VersionPolicy;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backup whose segment and base bodies the sink sealed restores to exactly what the same history restores to when
 * stored unsealed (as sinks before sealing wrote it); without the regime's keys a sealed body is refused, naming the fix.
 */
class SealedBodiesReplayTest {
    private static final TenantId TENANT = TenantId.of("acme");
    private static final long H = 3_600_000_000L;
    private static final long T0 = 1_790_002_800_000_000L;

    @TempDir
    Path work;
    private final StoredDataKeys keys = TestKeyStores.inMemory();

    private static List<ChangeEvent> history() {
        List<ChangeEvent> events = new ArrayList<>();
        long lsn = 1000;
        for (int i = 0; i < 90; i++) {
            long t = T0 + i * (H / 60);
            lsn += 10;
            events.add(switch (i % 5) {
                case 2 -> update("acme", "public.orders", t, lsn, i / 4, "u" + i);
                case 4 -> delete("acme", "public.orders", t, lsn, i / 3);
                default -> insert("acme", "public.orders", t, lsn, i, "v" + i);
            });
        }
        return events;
    }

    /** Writes the history with {@code bodies}, with a base at its middle; returns the buckets and the base. */
    private Written write(BodySealer bodies, String name) throws Exception {
        InMemoryBucket primary = new InMemoryBucket();
        InMemoryBucket backup = new InMemoryBucket();
        try (SinkBackup sink = new SinkBackup(primary.store(VersionPolicy.LATEST_VERSION), backup.store(VersionPolicy.LATEST_VERSION),
                Files.createDirectory(work.resolve(name)), bodies)) {
            sink.write(history(), SinkBackup.everyNEvents(7));
            sink.seal(Optional.of(UtcHour.containing(T0 + 2 * H)));
            return new Written(primary, backup, sink.base(TENANT, T0 + H / 2));
        }
    }

    private record Written(InMemoryBucket primary, InMemoryBucket backup, BaseManifest base) {
        RegimeStores stores(Optional<BodySealer> bodies) {
            RegionStore p = new RegionStore(Region.PRIMARY, primary.store(VersionPolicy.FIRST_VERSION), "strata.regime.eu.primary.");
            RegionStore b = new RegionStore(Region.BACKUP, backup.store(VersionPolicy.FIRST_VERSION), "strata.regime.eu.backup.");
            return bodies.map(s -> new RegimeStores("eu", p, b, s)).orElseGet(() -> new RegimeStores("eu", p, b));
        }
    }

    private String restore(RegimeStores stores, String until) throws Exception {
        Replay replay = new Replay(stores, new ReplayOptions(Duration.ofHours(1), 2, FoldMemory.defaults(work), false),
                Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), Progress.NONE);
        RestorePlan plan = replay.plan(TENANT, until);
        StringWriter out = new StringWriter();
        try (NdjsonTarget target = NdjsonTarget.toStream(out)) {
            ReplaySummary summary = replay.run(plan, target);
            return String.join("\n", out.toString().lines().sorted().toList()) + "\nrows " + summary.rowsPerTable();
        }
    }

    @Test
    void aSealedBackupRestoresAsTheSameHistoryStoredUnsealedAndEveryBodyIsSealed() throws Exception {
        Written sealed = write(BodySealer.sealing(keys), "sealed");
        Written unsealed = write(BodySealer.unsealed(keys), "unsealed");

        List<ObjectKey> segments = sealed.primary().store(VersionPolicy.FIRST_VERSION).listAll(BackupLayout.logPrefix(TENANT), Optional.empty())
                .map(ListedObject::key).toList();
        assertThat(segments).hasSizeGreaterThan(5);
        for (ObjectKey key : segments) {
            assertThat(SealedBody.isSealed(sealed.primary().store(VersionPolicy.FIRST_VERSION).get(key).orElseThrow().bytes()))
                    .as("%s is sealed", key).isTrue();
            assertThat(SealedBody.isSealed(unsealed.primary().store(VersionPolicy.FIRST_VERSION).get(key).orElseThrow().bytes())).isFalse();
        }
        BaseManifest base = sealed.base();
        assertThat(base.tables()).isNotEmpty().allSatisfy(t -> assertThat(SealedBody.isSealed(
                sealed.backup().store(VersionPolicy.FIRST_VERSION).get(base.tableKey(t)).orElseThrow().bytes())).isTrue());

        for (String until : List.of("2026-09-21T15:20:00Z", "latest")) {
            String plain = restore(unsealed.stores(Optional.empty()), until);
            assertThat(restore(sealed.stores(Optional.of(BodySealer.sealing(keys))), until)).as("restore to %s", until).isEqualTo(plain);
        }
    }

    @Test
    void withoutTheRegimesKeysASealedBodyIsRefusedNamingTheKeyToSet() throws Exception {
        Written sealed = write(BodySealer.sealing(keys), "sealed");

        assertThatThrownBy(() -> restore(sealed.stores(Optional.empty()), "latest"))
                .hasStackTraceContaining("tenant acme's bodies are sealed");
    }
}
