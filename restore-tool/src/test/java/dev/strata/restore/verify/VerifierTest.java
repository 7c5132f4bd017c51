package dev.strata.restore.verify;

import static dev.strata.schemas.testing.Changes.insert;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.restore.store.ManifestIndex;
import dev.strata.restore.store.RegimeStores;
import dev.strata.restore.store.Region;
import dev.strata.restore.store.RegionNotes;
import dev.strata.restore.store.RegionStore;
import dev.strata.restore.testing.CorruptingStore;
import dev.strata.restore.testing.SinkBackup;
import dev.strata.schemas.Sha256;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.durable.DurableMark;
import dev.strata.schemas.durable.DurableMarkCodec;
import dev.strata.schemas.layout.DurableMarkKey;
import dev.strata.schemas.UtcHour;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.BaseManifestKey;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.manifest.ManifestEntry;
import dev.strata.schemas.base.BaseManifestCodec;
import dev.strata.schemas.base.StoredBaseManifest;
import dev.strata.schemas.store.ForwardingObjectStore;
import dev.strata.schemas.store.InMemoryBucket;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.PutResult;
import dev.strata.schemas.store.VersionPolicy;
import dev.strata.schemas.base.BaseManifest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** verify, and the manifest stretch replay reads, against altered copies. */
class VerifierTest {
    private static final TenantId ACME = TenantId.of("acme");
    private static final long H = 3_600_000_000L;
    private static final long T0 = 1_790_002_800_000_000L;
    /** The commit time of the 16th change: where the bases of these tests are cut. */
    private static final long CUT = T0 + 15 * (H / 10);

    private final InMemoryBucket primaryBucket = new InMemoryBucket();
    private final InMemoryBucket backupBucket = new InMemoryBucket();
    private CorruptingStore primary;
    private List<ObjectKey> segments;
    private List<ObjectKey> manifests;
    private SinkBackup writer;
    private final List<ChangeEvent> events = new ArrayList<>();
    @TempDir
    Path work;

    @BeforeEach
    void threeSealedHours() {
        primary = new CorruptingStore(primaryBucket.store(VersionPolicy.FIRST_VERSION));
        writer = new SinkBackup(primaryBucket.store(VersionPolicy.LATEST_VERSION), backupBucket.store(VersionPolicy.LATEST_VERSION),
                work);
        for (int i = 0; i < 30; i++) {
            events.add(insert("acme", "public.orders", T0 + i * (H / 10), 100 + i, i, "r" + i));
        }
        segments = writer.write(events, SinkBackup.everyNEvents(4));
        manifests = writer.seal(Optional.empty());
    }

    @AfterEach
    void stopTheSink() {
        writer.close();
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
        assertThat(printed(report)).as("the sink's marks, in both regions, checked").containsPattern("; [1-9][0-9]* durable mark copies");
    }

    @Test
    void namesADurableMarkOfAnotherTenant() {
        DurableMark planted = new DurableMark(TenantId.of("eff"), "eu", T0 + H, 1, 0, 5, T0 + H);
        ObjectKey foreign = BackupLayout.mark(new DurableMarkKey(ACME, planted.pointMicros(), 0, 5));
        for (InMemoryBucket bucket : List.of(primaryBucket, backupBucket)) {
            byte[] bytes = DurableMarkCodec.encode(planted);
            bucket.store(VersionPolicy.LATEST_VERSION).putIfAbsent(foreign, bytes, Sha256.of(bytes));
        }

        VerifyReport report = new Verifier(stores(), 2).verify(ACME);

        assertThat(report.failures()).as("once, though both copies are read").singleElement()
                .satisfies(f -> assertThat(f).contains("durable mark " + foreign).contains("names tenant 'eff'"));
    }

    @Test
    void namesASegmentInOneRegionOnlyBelowADurableMarksOffset() {
        writer.primaryDown(true);
        ObjectKey inBackupOnly = writer.write(List.of(insert("acme", "public.orders", T0 + 3 * H, 200, 99, "late")),
                SinkBackup.everyNEvents(4)).get(0);
        DurableMark wrong = new DurableMark(ACME, "eu", T0, 1, 0, 1000, T0); // says every record below 1000 is in both regions
        for (InMemoryBucket bucket : List.of(primaryBucket, backupBucket)) {
            byte[] bytes = DurableMarkCodec.encode(wrong);
            bucket.store(VersionPolicy.LATEST_VERSION).putIfAbsent(BackupLayout.mark(wrong.key()), bytes, Sha256.of(bytes));
        }

        VerifyReport report = new Verifier(stores(), 2).verify(ACME);

        assertThat(report.failures()).containsExactly("durable mark " + BackupLayout.mark(wrong.key()) + " says every record of partition 0"
                + " below offset 1000 is in both regions, but segment " + inBackupOnly + " is in one region only (copy in primary ("
                + primary.describe() + "))");
    }

    /** The sink's base with its cut at the 16th change, as when the watermark is one microsecond past it. */
    private BaseManifest base() {
        return writer.base(ACME, CUT + 1);
    }

    @Test
    void checksABasesTablesAgainstItsManifestInBothRegions() {
        base();
        VerifyReport report = new Verifier(stores(), 2).verify(ACME);
        assertThat(report.failures()).isEmpty();
        assertThat(report.warnings()).isEmpty();
        assertThat(printed(report)).contains("bases: 1 complete, 0 incomplete");
    }

    @Test
    void namesAnAlteredBaseTableObject() {
        BaseManifest base = base();
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
        BaseManifest base;
        try (SinkBackup forging = new SinkBackup(new FoldedEntryForger(primaryBucket.store(VersionPolicy.LATEST_VERSION), segment, forged),
                new FoldedEntryForger(backupBucket.store(VersionPolicy.LATEST_VERSION), segment, forged), work)) {
            base = forging.base(ACME, CUT + 1);
        }
        VerifyReport report = new Verifier(stores(), 2).verify(ACME);
        assertThat(report.failures()).singleElement().asString().contains(base.objectKey().value()).contains(segment.value())
                .contains("folded").contains(forged.hex()).contains("altered bytes");
    }

    /**
     * Stores the sink's base.manifest with one folded entry's SHA-256 replaced (and the manifest
     * sealed again, so it is self-consistent): a base whose record of what it folded was forged on
     * its way to the regions. Every other object passes untouched.
     */
    private static final class FoldedEntryForger extends ForwardingObjectStore {
        private final ObjectKey segment;
        private final Sha256 forged;

        FoldedEntryForger(ObjectStore delegate, ObjectKey segment, Sha256 forged) {
            super(delegate);
            this.segment = segment;
            this.forged = forged;
        }

        @Override
        public PutResult putIfAbsent(ObjectKey key, byte[] bytes, Sha256 sha256) {
            if (!(BackupLayout.parse(key) instanceof BaseManifestKey)) {
                return delegate.putIfAbsent(key, bytes, sha256);
            }
            BaseManifest made = BaseManifestCodec.decode(bytes);
            assertThat(made.folded()).extracting(ManifestEntry::key).contains(segment);
            List<ManifestEntry> folded = made.folded().stream()
                    .map(e -> e.key().equals(segment) ? new ManifestEntry(e.key(), e.size(), forged) : e).toList();
            StoredBaseManifest sealed = BaseManifestCodec.seal(new BaseManifest(made.tenant(), made.cut(), made.previous(), made.tables(), folded));
            return delegate.putIfAbsent(key, sealed.bytes(), sealed.sha256());
        }
    }

    @Test
    void reportsABaseWithoutManifestAsIncompleteNotAsAnError() {
        writer.baseKilledBeforeManifest(ACME, CUT + 1);
        VerifyReport report = new Verifier(stores(), 2).verify(ACME);
        assertThat(report.failures()).isEmpty();
        assertThat(report.warnings()).singleElement().asString().contains("incomplete").contains("no restore uses it");
        assertThat(printed(report)).contains("bases: 0 complete, 1 incomplete");
    }

    @Test
    void flagsASecondVersionOfABaseKeyAsAnOverwrite() {
        BaseManifest base = base();
        primaryBucket.overwrite(base.objectKey(), new byte[] {1, 2, 3});
        VerifyReport report = new Verifier(stores(), 2).verify(ACME);
        assertThat(report.failures()).singleElement().asString().contains(base.objectKey().value()).contains("2 versions")
                .contains("overwrote");
    }

    @Test
    void namesABaseManifestThatDiffersBetweenTheRegions() {
        BaseManifest base = base();
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
