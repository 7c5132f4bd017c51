package dev.strata.restore.verify;

import static dev.strata.schemas.testing.Changes.insert;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.restore.store.ManifestIndex;
import dev.strata.restore.store.RegimeStores;
import dev.strata.restore.store.Region;
import dev.strata.restore.store.RegionNotes;
import dev.strata.restore.store.RegionStore;
import dev.strata.restore.testing.BackupWriter;
import dev.strata.restore.testing.CorruptingStore;
import dev.strata.schemas.Sha256;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.UtcHour;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.manifest.ManifestEntry;
import dev.strata.schemas.store.InMemoryBucket;
import dev.strata.schemas.store.VersionPolicy;
import dev.strata.schemas.base.BaseManifest;
import dev.strata.schemas.layout.BaseCut;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** verify, and the manifest stretch replay reads, against altered copies. */
class VerifierTest {
    private static final TenantId ACME = TenantId.of("acme");
    private static final long H = 3_600_000_000L;
    private static final long T0 = 1_790_002_800_000_000L;

    private final InMemoryBucket primaryBucket = new InMemoryBucket();
    private final InMemoryBucket backupBucket = new InMemoryBucket();
    private CorruptingStore primary;
    private List<ObjectKey> segments;
    private List<ObjectKey> manifests;
    private BackupWriter writer;
    private final List<ChangeEvent> events = new ArrayList<>();
    @TempDir
    Path work;

    @BeforeEach
    void threeSealedHours() {
        primary = new CorruptingStore(primaryBucket.store(VersionPolicy.FIRST_VERSION));
        writer = new BackupWriter(primaryBucket.store(VersionPolicy.LATEST_VERSION),
                backupBucket.store(VersionPolicy.LATEST_VERSION));
        for (int i = 0; i < 30; i++) {
            events.add(insert("acme", "public.orders", T0 + i * (H / 10), 100 + i, i, "r" + i));
        }
        segments = writer.segments(events, 4);
        manifests = writer.seal(ACME, Optional.empty());
    }

    private RegimeStores stores() {
        return new RegimeStores("eu", new RegionStore(Region.PRIMARY, primary, "p."),
                new RegionStore(Region.BACKUP, backupBucket.store(VersionPolicy.FIRST_VERSION), "b."));
    }

    @Test
    void anIntactBackupVerifies() {
        VerifyReport report = new Verifier(stores(), 2).verify(ACME);
        assertThat(report.failures()).isEmpty();
        assertThat(manifests).hasSize(3);
    }

    private BaseManifest base(boolean withManifest) {
        return writer.base(ACME, events, new BaseCut(T0 + 15 * (H / 10), 114), work, withManifest);
    }

    @Test
    void checksABasesTablesAgainstItsManifestInBothRegions() {
        base(true);
        VerifyReport report = new Verifier(stores(), 2).verify(ACME);
        assertThat(report.failures()).isEmpty();
        assertThat(report.warnings()).isEmpty();
        assertThat(printed(report)).contains("bases: 1 complete, 0 incomplete");
    }

    @Test
    void namesAnAlteredBaseTableObject() {
        BaseManifest base = base(true);
        ObjectKey table = base.tableKey(base.tables().get(0));
        primary.corrupt(table);
        VerifyReport report = new Verifier(stores(), 2).verify(ACME);
        assertThat(report.ok()).isFalse();
        assertThat(report.failures()).anySatisfy(f -> assertThat(f).contains(table.value()).contains("primary").contains("tampered or corrupt"));
    }

    @Test
    void namesABaseThatFoldedOtherBytesThanItsSegmentsHourManifestRecorded() {
        ObjectKey segment = segments.get(0);
        Sha256 forged = Sha256.of(new byte[] {1, 2, 3});
        BaseManifest base = writer.base(ACME, events, new BaseCut(T0 + 15 * (H / 10), 114), work, true,
                List.of(new ManifestEntry(segment, 3, forged)));
        VerifyReport report = new Verifier(stores(), 2).verify(ACME);
        assertThat(report.failures()).singleElement().asString().contains(base.objectKey().value()).contains(segment.value())
                .contains("folded").contains(forged.hex()).contains("altered bytes");
    }

    @Test
    void reportsABaseWithoutManifestAsIncompleteNotAsAnError() {
        base(false);
        VerifyReport report = new Verifier(stores(), 2).verify(ACME);
        assertThat(report.failures()).isEmpty();
        assertThat(report.warnings()).singleElement().asString().contains("incomplete").contains("no restore uses it");
        assertThat(printed(report)).contains("bases: 0 complete, 1 incomplete");
    }

    @Test
    void flagsASecondVersionOfABaseKeyAsAnOverwrite() {
        BaseManifest base = base(true);
        primaryBucket.overwrite(base.objectKey(), new byte[] {1, 2, 3});
        VerifyReport report = new Verifier(stores(), 2).verify(ACME);
        assertThat(report.failures()).singleElement().asString().contains(base.objectKey().value()).contains("2 versions")
                .contains("overwrote");
    }

    @Test
    void namesABaseManifestThatDiffersBetweenTheRegions() {
        BaseManifest base = base(true);
        primary.corrupt(base.objectKey());
        VerifyReport report = new Verifier(stores(), 2).verify(ACME);
        assertThat(report.failures()).anySatisfy(f -> assertThat(f).contains(base.objectKey().value()).contains("primary"));
    }

    private static String printed(VerifyReport report) {
        StringWriter out = new StringWriter();
        report.print(new PrintWriter(out));
        return out.toString();
    }

    @Test
    void namesAnAlteredObjectAndTheRegionHoldingIt() {
        primary.corrupt(segments.get(3));
        VerifyReport report = new Verifier(stores(), 2).verify(ACME);
        assertThat(report.ok()).isFalse();
        assertThat(report.failures()).singleElement().asString()
                .contains(segments.get(3).value()).contains("primary").contains("tampered or corrupt");
    }

    @Test
    void namesAnOverwrittenKey() {
        primaryBucket.overwrite(segments.get(5), new byte[] {1, 2, 3});
        VerifyReport report = new Verifier(stores(), 2).verify(ACME);
        assertThat(report.failures()).singleElement().asString()
                .contains(segments.get(5).value()).contains("has 2 versions").contains("restore reads the first version");
    }

    @Test
    void anAlteredManifestBreaksTheChainAndReplayUsesTheOtherRegionsCopy() {
        primary.corrupt(manifests.get(1));
        VerifyReport report = new Verifier(stores(), 2).verify(ACME);
        assertThat(report.failures()).anySatisfy(f -> assertThat(f).contains("manifest chain in primary").contains(manifests.get(1).value()));
        assertThat(report.failures()).anySatisfy(f -> assertThat(f).contains("differs between primary and backup"));

        RegionNotes notes = new RegionNotes();
        ManifestIndex index = ManifestIndex.load(stores(), ACME, UtcHour.containing(T0), UtcHour.containing(T0 + 2 * H), notes);
        assertThat(index.entries()).containsKeys(segments.toArray(new ObjectKey[0]));
        assertThat(notes.notes()).anySatisfy(n -> assertThat(n).contains(manifests.get(1).value()).contains("used the backup copy"));
    }
}
