package dev.strata.restore.verify;

import static dev.strata.schemas.testing.Changes.insert;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.restore.expire.ExpiryPlan;
import dev.strata.restore.expire.ExpiryPlanner;
import dev.strata.restore.store.RegimeStores;
import dev.strata.restore.store.Region;
import dev.strata.restore.store.RegionStore;
import dev.strata.restore.testing.CorruptingStore;
import dev.strata.restore.testing.SinkBackup;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.base.BaseManifest;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.retention.RetentionPolicy;
import dev.strata.schemas.store.ForwardingObjectStore;
import dev.strata.schemas.store.InMemoryBucket;
import dev.strata.schemas.store.ListPage;
import dev.strata.schemas.store.ObjectInfo;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.ObjectVersionInfo;
import dev.strata.schemas.store.StoredObject;
import dev.strata.schemas.store.VersionPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** verify after expiry: the expired prefix is no broken chain, and what a kept point needs is still checked. */
class ExpiredPrefixVerifyTest {
    private static final TenantId ACME = TenantId.of("acme");
    private static final long H = 3_600_000_000L;
    private static final long T0 = 1_790_002_800_000_000L;
    /** Five hours of log, a base three and a half hours in: its manifests from hour 2 on are kept. */
    private static final long CUT = T0 + 35 * (H / 10);

    private final InMemoryBucket primaryBucket = new InMemoryBucket();
    private final InMemoryBucket backupBucket = new InMemoryBucket();
    private final Set<ObjectKey> expired = new HashSet<>();
    private CorruptingStore primary;
    private SinkBackup writer;
    private List<ObjectKey> segments;
    private ExpiryPlan plan;
    @TempDir
    Path work;

    @BeforeEach
    void fiveSealedHoursABaseAndAnExpiry() {
        writer = new SinkBackup(primaryBucket.store(VersionPolicy.LATEST_VERSION), backupBucket.store(VersionPolicy.LATEST_VERSION), work);
        List<ChangeEvent> events = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            events.add(insert("acme", "public.orders", T0 + i * (H / 10), 100 + i, i, "r" + i));
        }
        segments = writer.write(events, SinkBackup.everyNEvents(4));
        writer.seal(Optional.empty());
        BaseManifest base = writer.base(ACME, CUT + 1);
        Instant now = Instant.ofEpochSecond(0, (base.cut().cutCommitMicros() + 60_000_000L) * 1_000);
        ObjectStore listing = primaryBucket.store(VersionPolicy.FIRST_VERSION);
        plan = new ExpiryPlanner(Duration.ofHours(1)).plan(ACME, new RetentionPolicy(Duration.ofSeconds(30), 0, 0, 0), now,
                listing.listAll(BackupLayout.tenantPrefix(ACME), Optional.empty()).toList(), cut -> Optional.empty());
        plan.expired().forEach(o -> expired.add(o.key()));
        primary = new CorruptingStore(new Expired(primaryBucket.store(VersionPolicy.FIRST_VERSION), expired));
    }

    @AfterEach
    void stopTheSink() {
        writer.close();
    }

    private RegimeStores stores() {
        return new RegimeStores("eu", new RegionStore(Region.PRIMARY, primary, "p."),
                new RegionStore(Region.BACKUP, new Expired(backupBucket.store(VersionPolicy.FIRST_VERSION), expired), "b."));
    }

    @Test
    void anExpiredPrefixIsNoBrokenChainNorALoss() {
        assertThat(expired).as("two hour manifests and the log before the base expired")
                .anyMatch(k -> k.value().contains("/manifests/")).anyMatch(k -> k.value().contains("/log/"));
        VerifyReport report = new Verifier(stores(), 2, plan.needs()).verify(ACME);
        assertThat(report.failures()).isEmpty();
        assertThat(printed(report)).contains("the manifest chain starts at").containsPattern("[1-9][0-9]* objects named by kept manifests expired");

        assertThat(new Verifier(stores(), 2).verify(ACME).failures()).as("without the plan, the same store looks broken")
                .anySatisfy(f -> assertThat(f).contains("BROKEN_LINK"));
    }

    @Test
    void aSegmentMissingAfterTheAnchorIsStillALoss() {
        ObjectKey kept = segments.stream().filter(k -> BackupLayout.parseSegment(k).maxCommitMicros() > CUT).findFirst().orElseThrow();
        expired.add(kept);
        VerifyReport report = new Verifier(stores(), 2, plan.needs()).verify(ACME);
        assertThat(report.failures()).anySatisfy(f -> assertThat(f).contains(kept.value()).contains("it is lost"));
    }

    @Test
    void aTamperedSegmentOrAMissingManifestAfterTheAnchorStillFails() {
        ObjectKey kept = segments.get(segments.size() - 1);
        primary.corrupt(kept);
        List<ObjectKey> keptManifests = primaryBucket.store(VersionPolicy.FIRST_VERSION)
                .listAll(BackupLayout.manifestsPrefix(ACME), Optional.empty()).map(o -> o.key()).filter(k -> !expired.contains(k)).toList();
        assertThat(keptManifests).hasSizeGreaterThan(2);
        expired.add(keptManifests.get(1));
        VerifyReport report = new Verifier(stores(), 2, plan.needs()).verify(ACME);
        assertThat(report.failures()).anySatisfy(f -> assertThat(f).contains(kept.value()).contains("tampered or corrupt"));
        assertThat(report.failures()).anySatisfy(f -> assertThat(f).contains("BROKEN_LINK").contains(keptManifests.get(2).value()));
    }

    private static String printed(VerifyReport report) {
        java.io.StringWriter out = new java.io.StringWriter();
        report.print(new java.io.PrintWriter(out));
        return out.toString();
    }

    /** A store from which expiry removed {@code gone}: neither listed nor readable. */
    private static final class Expired extends ForwardingObjectStore {
        private final Set<ObjectKey> gone;

        Expired(ObjectStore delegate, Set<ObjectKey> gone) {
            super(delegate);
            this.gone = gone;
        }

        @Override
        public Optional<StoredObject> get(ObjectKey key) {
            return gone.contains(key) ? Optional.empty() : delegate.get(key);
        }

        @Override
        public Optional<ObjectInfo> head(ObjectKey key) {
            return gone.contains(key) ? Optional.empty() : delegate.head(key);
        }

        @Override
        public List<ObjectVersionInfo> versions(ObjectKey key) {
            return gone.contains(key) ? List.of() : delegate.versions(key);
        }

        @Override
        public ListPage list(ObjectKey prefix, Optional<ObjectKey> startAfter, int maxKeys) {
            ListPage page = delegate.list(prefix, startAfter, maxKeys);
            return new ListPage(page.objects().stream().filter(o -> !gone.contains(o.key())).toList(), page.truncated());
        }
    }
}
