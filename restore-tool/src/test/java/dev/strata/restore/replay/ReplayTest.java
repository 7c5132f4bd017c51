package dev.strata.restore.replay;

import static dev.strata.schemas.testing.Changes.delete;
import static dev.strata.schemas.testing.Changes.insert;
import static dev.strata.schemas.testing.Changes.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.restore.BadInputException;
import dev.strata.restore.UnavailableException;
import dev.strata.restore.VerificationFailedException;
import dev.strata.schemas.fold.FoldMemory;
import dev.strata.restore.plan.RestorePlan;
import dev.strata.restore.plan.RestoreTime;
import dev.strata.restore.store.RegimeStores;
import dev.strata.restore.store.Region;
import dev.strata.restore.store.RegionStore;
import dev.strata.restore.store.TenantLocator;
import dev.strata.restore.target.NdjsonTarget;
import dev.strata.restore.testing.CorruptingStore;
import dev.strata.restore.testing.SinkBackup;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.UtcHour;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.store.InMemoryBucket;
import dev.strata.schemas.store.VersionPolicy;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole replay over in-memory buckets: planning, manifests, region fallback, the NDJSON target. */
class ReplayTest {
    private static final String A = "acme";
    private static final String ORDERS = "public.orders";
    private static final long H = 3_600_000_000L;
    private static final long T0 = 1_790_002_800_000_000L; // 2026-09-21T14:00:00Z, the start of an hour

    @TempDir
    Path spill;
    private final InMemoryBucket primaryBucket = new InMemoryBucket();
    private final InMemoryBucket backupBucket = new InMemoryBucket();
    private CorruptingStore primary;
    private CorruptingStore backup;
    private SinkBackup writer;
    private List<ObjectKey> segments;

    @BeforeEach
    void writeTwoHoursOfOneTenant() {
        primary = new CorruptingStore(primaryBucket.store(VersionPolicy.FIRST_VERSION));
        backup = new CorruptingStore(backupBucket.store(VersionPolicy.FIRST_VERSION));
        writer = new SinkBackup(primaryBucket.store(VersionPolicy.LATEST_VERSION), backupBucket.store(VersionPolicy.LATEST_VERSION), spill);
        List<ChangeEvent> events = new ArrayList<>();
        long lsn = 1000;
        for (int i = 0; i < 60; i++) {
            long t = T0 + i * (H / 30); // two hours, one change every two minutes
            lsn += 10;
            events.add(i % 3 == 2 ? update(A, ORDERS, t, lsn, i / 3, "v" + i) : insert(A, ORDERS, t, lsn, i, "v" + i));
        }
        events.add(delete(A, ORDERS, T0 + 2 * H - 1, lsn + 10, 4));
        segments = writer.write(events, SinkBackup.everyNEvents(7));
        writer.seal(Optional.of(UtcHour.containing(T0 + H))); // the second hour stays unsealed
    }

    @AfterEach
    void stopTheSink() {
        writer.close();
    }

    private RegimeStores stores() {
        return new RegimeStores("eu", new RegionStore(Region.PRIMARY, primary, "strata.regime.eu.primary."),
                new RegionStore(Region.BACKUP, backup, "strata.regime.eu.backup."));
    }

    private Replay replay() {
        return new Replay(stores(), new ReplayOptions(Duration.ofHours(1), 2, FoldMemory.defaults(spill), false),
                Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), Progress.NONE);
    }

    private Map<String, String> restore(Replay replay, String until, StringWriter out) throws IOException {
        TenantId tenant = TenantId.of(A);
        RestorePlan plan = replay.plan(tenant, until);
        try (NdjsonTarget target = NdjsonTarget.toStream(out)) {
            ReplaySummary summary = replay.run(plan, target);
            assertThat(summary.rows()).isEqualTo(out.toString().lines().count());
        }
        return NdjsonRows.idToName(out.toString());
    }

    @Test
    void restoresTheStateAtTheRestorePointAcrossSealedAndUnsealedHours() throws IOException {
        Map<String, String> atEnd = restore(replay(), "latest", new StringWriter());
        assertThat(atEnd).hasSize(45).doesNotContainKey("4").containsEntry("0", "v2").containsEntry("19", "v59").containsEntry("58", "v58");
        String tenMinutesIn = RestoreTime.format(T0 + H / 6);
        assertThat(restore(replay(), tenMinutesIn, new StringWriter()))
                .containsOnlyKeys("0", "1", "3", "4").containsEntry("0", "v2").containsEntry("1", "v5");
    }

    @Test
    void readsFromTheBackupWhenThePrimaryLacksAnObjectOrHoldsAlteredBytes() throws IOException {
        primary.corrupt(segments.get(1));
        ObjectKey onlyInBackup = writer.write(List.of(insert(A, ORDERS, T0 + 2 * H, 9000, 100, "late")), SinkBackup.everyNEvents(7)).get(0);
        primary.lose(onlyInBackup); // durable in both regions (a durable mark proves it), then lost in the primary
        Replay replay = replay();
        RestorePlan plan = replay.plan(TenantId.of(A), "latest");
        StringWriter out = new StringWriter();
        try (NdjsonTarget target = NdjsonTarget.toStream(out)) {
            ReplaySummary summary = replay.run(plan, target);
            assertThat(summary.fromBackup()).isEqualTo(2);
            assertThat(summary.notes()).anySatisfy(n -> assertThat(n).contains("read " + segments.get(1)).contains("primary copy has SHA-256"));
            assertThat(summary.notes()).anySatisfy(n -> assertThat(n).contains("read " + onlyInBackup).contains("primary lacks it"));
        }
        assertThat(out.toString()).contains("\"late\"");
    }

    @Test
    void latestStopsAtTheDurablePointBeforeASegmentOnlyOneRegionHolds() throws IOException {
        writer.primaryDown(true);
        writer.write(List.of(insert(A, ORDERS, T0 + 2 * H, 9000, 100, "late")), SinkBackup.everyNEvents(7));

        RestorePlan plan = replay().plan(TenantId.of(A), "latest");

        assertThat(plan.untilMicros()).as("the newest commit both regions hold").isEqualTo(T0 + 2 * H - 1);
        assertThat(restore(replay(), "latest", new StringWriter())).doesNotContainValue("late").hasSize(45);
        assertThatThrownBy(() -> replay().plan(TenantId.of(A), RestoreTime.format(T0 + 2 * H)))
                .isInstanceOf(BadInputException.class).hasMessageContaining("after its durable point " + RestoreTime.format(T0 + 2 * H - 1));
    }

    @Test
    void aBackupWithoutDurableMarksIsRestoredToTheNewestSegmentListedWithANote() throws IOException {
        TenantId unmarked = TenantId.of("old");
        writer.withoutMarks();
        writer.write(List.of(insert("old", ORDERS, T0, 1, 1, "one"), insert("old", ORDERS, T0 + 5, 2, 2, "two")), SinkBackup.everyNEvents(1));
        Replay replay = replay();

        RestorePlan plan = replay.plan(unmarked, "latest");

        assertThat(plan.untilMicros()).as("one microsecond before the newest transaction, which nothing shows whole").isEqualTo(T0 + 4);
        assertThat(plan.durable().proven()).isFalse();
        assertThat(replay.notes()).anySatisfy(n -> assertThat(n).contains("tenant old has no durable mark in regime eu")
                .contains("NOT proven to be in both regions"));
    }

    @Test
    void anObjectAlteredInBothRegionsStopsTheRestoreBeforeTheTargetIsTouched() {
        primary.corrupt(segments.get(2));
        backup.corrupt(segments.get(2));
        Replay replay = replay();
        RestorePlan plan = replay.plan(TenantId.of(A), "latest");
        StringWriter out = new StringWriter();
        assertThatThrownBy(() -> replay.run(plan, NdjsonTarget.toStream(out)))
                .isInstanceOf(VerificationFailedException.class)
                .hasMessageContaining(segments.get(2).value())
                .hasMessageContaining("altered or corrupt in every region");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void aWholeRegionDownIsReadAroundAndSaidSo() throws IOException {
        primary.down();
        Map<String, String> rows = restore(replay(), "latest", new StringWriter());
        assertThat(rows).hasSize(45);
    }

    @Test
    void bothRegionsDownIsUnavailableNotBadInput() {
        primary.down();
        backup.down();
        assertThatThrownBy(() -> replay().plan(TenantId.of(A), "latest"))
                .isInstanceOf(UnavailableException.class)
                .hasMessageContaining("no region of the regime could be read")
                .hasMessageContaining("check strata.regime.eu.primary.endpoint");
    }

    @Test
    void timesOutsideTheBackupNameTheEarliestAndTheLatest() {
        assertThatThrownBy(() -> replay().plan(TenantId.of(A), RestoreTime.format(T0 - 1)))
                .isInstanceOf(BadInputException.class).hasMessageContaining("earliest restorable time is " + RestoreTime.format(T0));
        assertThatThrownBy(() -> replay().plan(TenantId.of(A), RestoreTime.format(T0 + 3 * H)))
                .isInstanceOf(BadInputException.class).hasMessageContaining("after its durable point " + RestoreTime.format(T0 + 2 * H - 1));
    }

    @Test
    void anUnknownTenantIsNamed() {
        TenantLocator locator = new TenantLocator(List.of("eu"), r -> stores());
        assertThat(locator.locate(TenantId.of(A), Optional.empty()).regime()).isEqualTo("eu");
        assertThatThrownBy(() -> locator.locate(TenantId.of("acne"), Optional.empty()))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("unknown tenant acne")
                .hasMessageContaining("restore-tool list tenants");
    }
}
