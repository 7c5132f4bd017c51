package dev.strata.restore.replay;

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
import dev.strata.schemas.crypto.BodySealer;
import dev.strata.schemas.crypto.DataKey;
import dev.strata.schemas.crypto.DataKeyId;
import dev.strata.schemas.crypto.DataKeys;
import dev.strata.schemas.crypto.KeyEncryptionKey;
import dev.strata.schemas.crypto.UnopenableBodyException;
import dev.strata.schemas.fold.FoldMemory;
import dev.strata.schemas.keystore.TestKeyStores;
import dev.strata.schemas.store.InMemoryBucket;
import dev.strata.schemas.store.VersionPolicy;
import java.io.IOException;
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
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sealed base is opened while its rows are loaded, each chunk authenticated before its rows are
 * used: the rows are those of the log, and a body that fails to open stops the restore, naming it.
 */
class SealedBaseReplayTest {
    private static final TenantId TENANT = TenantId.of("acme");
    private static final long H = 3_600_000_000L;
    private static final long T0 = 1_790_002_800_000_000L;
    private static final long CUT = T0 + H / 2;

    @TempDir
    Path work;
    private final InMemoryBucket primary = new InMemoryBucket();
    private final InMemoryBucket backup = new InMemoryBucket();
    private final DataKeys keys = TestKeyStores.inMemory();

    /** Rows of random text, several sealed chunks' worth: the base's body opens in more than one chunk. */
    private SinkBackup writeLog() {
        SinkBackup writer = new SinkBackup(primary.store(VersionPolicy.LATEST_VERSION), backup.store(VersionPolicy.LATEST_VERSION), work,
                BodySealer.sealing(keys));
        Random random = new Random(7);
        List<ChangeEvent> events = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            long t = T0 + i * (H / 60);
            String text = randomText(random, 48_000);
            events.add(i % 5 == 4 ? update("acme", "public.docs", t, 1000 + 10L * i, i - 2, text)
                    : insert("acme", "public.docs", t, 1000 + 10L * i, i, text));
        }
        writer.write(events, SinkBackup.everyNEvents(7));
        writer.seal(Optional.of(UtcHour.containing(T0 + H)));
        return writer;
    }

    @Test
    void aSealedBaseOpenedWhileLoadedGivesTheRowsTheLogGives() throws IOException {
        try (SinkBackup writer = writeLog()) {
            String logAlone = restore(BodySealer.sealing(keys), false);
            writer.base(TENANT, CUT + 1);
            String withBase = restore(BodySealer.sealing(keys), true);
            assertThat(withBase).contains("\"key\":{\"id\":58}").isEqualTo(logAlone);
            assertThat(stagedTableFiles()).isEmpty();
        }
    }

    @Test
    void aSealedBaseThatFailsToOpenStopsTheRestoreNamingItBeforeAnyRowAndLeavesNoFile() throws IOException {
        try (SinkBackup writer = writeLog()) {
            writer.base(TENANT, T0 + 59 * (H / 60) + 1); // cut at the last change: the base is all a restore to the latest reads
            // the key store answers for the key's id with another key: the seal's header reads, its first chunk fails
            DataKeys lying = new DataKeys() {
                @Override
                public DataKey sealing(TenantId tenant, Instant contentTime) {
                    return keys.sealing(tenant, contentTime);
                }

                @Override
                public DataKey named(TenantId tenant, DataKeyId id) {
                    return KeyEncryptionKey.newDataKey(tenant, id);
                }
            };
            StringWriter out = new StringWriter();
            Replay replay = replay(BodySealer.sealing(lying));
            RestorePlan plan = replay.plan(TENANT, "latest");
            assertThat(plan.base()).isPresent();
            try (NdjsonTarget target = NdjsonTarget.toStream(out)) {
                assertThatThrownBy(() -> replay.run(plan, target)).isInstanceOf(UnopenableBodyException.class)
                        .hasMessageContaining("/bases/").hasMessageContaining("fails authentication");
            }
            assertThat(out.toString()).as("rows of a base that failed to open").isEmpty();
            assertThat(stagedTableFiles()).isEmpty();
        }
    }

    private String restore(BodySealer bodies, boolean withBase) throws IOException {
        Replay replay = replay(bodies);
        RestorePlan plan = replay.plan(TENANT, "latest");
        assertThat(plan.base().isPresent()).as("a base planned: %s", plan).isEqualTo(withBase);
        StringWriter out = new StringWriter();
        try (NdjsonTarget target = NdjsonTarget.toStream(out)) {
            replay.run(plan, target);
        }
        return String.join("\n", out.toString().lines().sorted().toList());
    }

    private Replay replay(BodySealer bodies) {
        RegimeStores stores = new RegimeStores("eu", new RegionStore(Region.PRIMARY, primary.store(VersionPolicy.FIRST_VERSION),
                "strata.regime.eu.primary."), new RegionStore(Region.BACKUP, backup.store(VersionPolicy.FIRST_VERSION),
                "strata.regime.eu.backup."), bodies);
        return new Replay(stores, new ReplayOptions(Duration.ofHours(1), 2, FoldMemory.defaults(work), false),
                Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), Progress.NONE);
    }

    private List<Path> stagedTableFiles() throws IOException {
        try (Stream<Path> all = Files.walk(work)) {
            return all.filter(p -> p.getFileName().toString().startsWith("strata-base-table-")).toList();
        }
    }

    private static String randomText(Random random, int length) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append((char) ('a' + random.nextInt(26)));
        }
        return text.toString();
    }
}
