package dev.strata.restore.replay;

import static dev.strata.schemas.testing.Changes.delete;
import static dev.strata.schemas.testing.Changes.insert;
import static dev.strata.schemas.testing.Changes.truncate;
import static dev.strata.schemas.testing.Changes.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.restore.BadInputException;
import dev.strata.restore.VerificationFailedException;
import dev.strata.restore.plan.RestorePlan;
import dev.strata.restore.plan.RestoreTime;
import dev.strata.restore.store.RegimeStores;
import dev.strata.restore.store.Region;
import dev.strata.restore.store.RegionStore;
import dev.strata.restore.target.NdjsonTarget;
import dev.strata.restore.testing.CorruptingStore;
import dev.strata.restore.testing.SinkBackup;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.UtcHour;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.base.BaseManifest;
import dev.strata.schemas.fold.FoldMemory;
import dev.strata.schemas.layout.BaseCut;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.store.InMemoryBucket;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.VersionPolicy;
import java.io.IOException;
import java.io.PrintWriter;
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
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A replay from a base gives exactly what a replay of the whole log gives, at restore points before, at and after the cut. */
class ReplayWithBaseTest {
    private static final TenantId TENANT = TenantId.of("acme");
    private static final String ORDERS = "public.orders";
    private static final String NOTES = "public.notes";
    private static final long H = 3_600_000_000L;
    private static final long T0 = 1_790_002_800_000_000L;
    private static final long CUT = T0 + H / 2 + 7;

    @TempDir
    Path work;
    private final InMemoryBucket primaryBucket = new InMemoryBucket();
    private final InMemoryBucket backupBucket = new InMemoryBucket();
    private final List<ChangeEvent> events = new ArrayList<>();
    private SinkBackup writer;

    @BeforeEach
    void writeTwoHoursOfChanges() {
        writer = new SinkBackup(primaryBucket.store(VersionPolicy.LATEST_VERSION), backupBucket.store(VersionPolicy.LATEST_VERSION), work);
        long lsn = 1000;
        for (int i = 0; i < 120; i++) {
            long t = T0 + i * (H / 60);
            lsn += 10;
            String table = i % 4 == 0 ? NOTES : ORDERS;
            events.add(switch (i % 7) {
                case 3 -> update("acme", table, t, lsn, i / 5, "u" + i);
                case 5 -> delete("acme", table, t, lsn, i / 3);
                default -> i == 50 ? truncate("acme", NOTES, t, lsn) : insert("acme", table, t, lsn, i, "v" + i);
            });
        }
        writer.write(events, SinkBackup.everyNEvents(9));
        writer.seal(Optional.of(UtcHour.containing(T0 + H)));
    }

    @AfterEach
    void stopTheSink() {
        writer.close();
    }

    /** The sink's base of the tenant once its watermark is one microsecond past {@link #CUT}: cut at CUT. */
    private BaseManifest base() {
        return writer.base(TENANT, CUT + 1);
    }

    @Test
    void replayWithABaseEqualsReplayWithoutAtCutsBeforeAtAndAfterIt() throws IOException {
        List<String> untils = List.of(RestoreTime.format(T0 + H / 4), RestoreTime.format(CUT), RestoreTime.format(CUT + 1),
                RestoreTime.format(T0 + H + H / 3), "latest");
        List<String> withoutBase = new ArrayList<>();
        for (String until : untils) {
            withoutBase.add(restore(until, Optional.empty()));
        }
        // the cut's LSN is the greatest the sink's fold took in (the test cannot choose it), so the plan is compared to the base's own cut
        BaseCut cut = base().cut();
        assertThat(cut.cutCommitMicros()).isEqualTo(CUT);
        for (int i = 0; i < untils.size(); i++) {
            Optional<BaseCut> expected = i == 0 ? Optional.empty() : Optional.of(cut);
            assertThat(restore(untils.get(i), expected)).as("restore to %s", untils.get(i)).isEqualTo(withoutBase.get(i));
            assertThat(restore(stores(), untils.get(i), expected, true)).as("restore to %s, the base fetched while planning", untils.get(i))
                    .isEqualTo(withoutBase.get(i));
        }
        assertThat(stagedTableFiles()).isEmpty();
    }

    @Test
    void aBaseFetchedWhilePlanningThatNoRestoreTakesLeavesNoFileBehind() throws IOException {
        base();
        Replay replay = new Replay(stores(), new ReplayOptions(Duration.ofHours(1), 2, FoldMemory.defaults(work), false),
                Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), Progress.NONE).withBaseFetchedWhilePlanning();

        assertThatThrownBy(() -> replay.plan(TENANT, RestoreTime.format(T0 + 5 * H))).isInstanceOf(BadInputException.class)
                .hasMessageContaining("after its durable point");
        assertThat(stagedTableFiles()).as("the base fetched for a plan that was refused").isEmpty();
        RestorePlan plan = replay.plan(TENANT, RestoreTime.format(T0 + H / 4)); // before the cut: planned without the base
        assertThat(plan.base()).isEmpty();
        assertThat(stagedTableFiles()).isEmpty();
    }

    @Test
    void progressCountsTheBaseTablesBesideTheSegments() throws IOException {
        BaseManifest base = base();
        for (String until : List.of("latest", RestoreTime.format(CUT))) {
            StringWriter lines = new StringWriter();
            Clock clock = Clock.fixed(Instant.EPOCH, ZoneOffset.UTC);
            Replay replay = new Replay(stores(), new ReplayOptions(Duration.ofHours(1), 2, FoldMemory.defaults(work), false), clock,
                    new LineProgress(new PrintWriter(lines), clock, Duration.ZERO));
            RestorePlan plan = replay.plan(TENANT, until);
            assertThat(plan.base()).as(until).contains(base.cut());
            try (NdjsonTarget target = NdjsonTarget.toStream(new StringWriter())) {
                replay.run(plan, target);
            }
            int objects = plan.segments().size() + base.tables().size();
            List<String> counts = lines.toString().lines().map(l -> l.replaceAll("^progress: \\w+: (\\d+/\\d+) objects.*$", "$1"))
                    .toList();
            assertThat(counts).as(until + ":\n" + lines).isNotEmpty().allMatch(c -> c.endsWith("/" + objects));
            assertThat(counts.get(counts.size() - 1)).as(until).isEqualTo(objects + "/" + objects);
        }
    }

    @Test
    void aBaseWithoutItsManifestIsNeverUsed() throws IOException {
        String expected = restore("latest", Optional.empty());
        writer.baseKilledBeforeManifest(TENANT, CUT + 1);
        assertThat(restore("latest", Optional.empty())).isEqualTo(expected);
    }

    @Test
    void aBaseTableAlteredInOneRegionIsReadFromTheOtherAndLeavesNoFileBehind() throws IOException {
        String expected = restore("latest", Optional.empty());
        BaseManifest base = base();
        CorruptingStore primary = new CorruptingStore(primaryBucket.store(VersionPolicy.FIRST_VERSION));
        base.tables().forEach(t -> primary.corrupt(base.tableKey(t)));

        assertThat(restore(stores(primary, backupBucket.store(VersionPolicy.FIRST_VERSION)), "latest", Optional.of(base.cut())))
                .isEqualTo(expected);
        assertThat(stagedTableFiles()).isEmpty();
    }

    @Test
    void aBaseTableAlteredInEveryRegionIsRefusedBeforeAnyRowIsFoldedAndLeavesNoFileBehind() throws IOException {
        BaseManifest base = base();
        CorruptingStore primary = new CorruptingStore(primaryBucket.store(VersionPolicy.FIRST_VERSION));
        CorruptingStore backup = new CorruptingStore(backupBucket.store(VersionPolicy.FIRST_VERSION));
        ObjectKey altered = base.tableKey(base.tables().get(0));
        primary.corrupt(altered);
        backup.corrupt(altered);
        Replay replay = new Replay(stores(primary, backup), new ReplayOptions(Duration.ofHours(1), 2, FoldMemory.defaults(work), false),
                Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), Progress.NONE);
        RestorePlan plan = replay.plan(TENANT, "latest");
        StringWriter out = new StringWriter();

        try (NdjsonTarget target = NdjsonTarget.toStream(out)) {
            assertThatThrownBy(() -> replay.run(plan, target)).isInstanceOf(VerificationFailedException.class)
                    .hasMessageContaining(altered.value()).hasMessageContaining("altered or corrupt in every region");
        }
        assertThat(out.toString()).as("rows loaded from a refused base").isEmpty();
        assertThat(stagedTableFiles()).isEmpty();
    }

    private List<Path> stagedTableFiles() throws IOException {
        try (Stream<Path> all = Files.walk(work)) {
            return all.filter(p -> p.getFileName().toString().startsWith("strata-base-table-")).toList();
        }
    }

    /** The NDJSON output, lines sorted (the order of keys within a table is the fold's, not the data's). */
    private String restore(String until, Optional<BaseCut> expectedBase) throws IOException {
        return restore(stores(), until, expectedBase);
    }

    private String restore(RegimeStores stores, String until, Optional<BaseCut> expectedBase) throws IOException {
        return restore(stores, until, expectedBase, false);
    }

    private String restore(RegimeStores stores, String until, Optional<BaseCut> expectedBase, boolean baseFetchedWhilePlanning)
            throws IOException {
        Replay replay = new Replay(stores, new ReplayOptions(Duration.ofHours(1), 2, FoldMemory.defaults(work), false),
                Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), Progress.NONE);
        if (baseFetchedWhilePlanning) {
            replay.withBaseFetchedWhilePlanning();
        }
        RestorePlan plan = replay.plan(TENANT, until);
        assertThat(plan.base()).as("base planned for %s", until).isEqualTo(expectedBase);
        StringWriter out = new StringWriter();
        try (NdjsonTarget target = NdjsonTarget.toStream(out)) {
            ReplaySummary summary = replay.run(plan, target);
            return String.join("\n", out.toString().lines().sorted().toList()) + "\ntombstones " + summary.tombstones()
                    + " rows " + summary.rowsPerTable();
        }
    }

    private RegimeStores stores() {
        return stores(primaryBucket.store(VersionPolicy.FIRST_VERSION), backupBucket.store(VersionPolicy.FIRST_VERSION));
    }

    private static RegimeStores stores(ObjectStore primary, ObjectStore backup) {
        return new RegimeStores("eu", new RegionStore(Region.PRIMARY, primary, "strata.regime.eu.primary."),
                new RegionStore(Region.BACKUP, backup, "strata.regime.eu.backup."));
    }
}
