package dev.strata.restore.store;

import static dev.strata.schemas.testing.Changes.insert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.restore.BadInputException;
import dev.strata.restore.UnavailableException;
import dev.strata.restore.testing.CorruptingStore;
import dev.strata.restore.testing.SinkBackup;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.store.ForwardingObjectStore;
import dev.strata.schemas.store.InMemoryBucket;
import dev.strata.schemas.store.ListPage;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.StoreOperation;
import dev.strata.schemas.store.VersionPolicy;
import dev.strata.schemas.store.failure.StoreAccessDeniedException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TenantLocatorTest {
    private static final long T0 = 1_795_000_000_000_000L;

    @TempDir
    Path work;

    private final Map<String, InMemoryBucket> primaries = new LinkedHashMap<>(Map.of("us", new InMemoryBucket(), "eu", new InMemoryBucket()));
    /** Each regime's two regions, in front of the buckets: a test may take one down. */
    private final Map<String, List<CorruptingStore>> regions = Map.of(
            "us", List.of(new CorruptingStore(primaries.get("us").store(VersionPolicy.FIRST_VERSION)),
                    new CorruptingStore(new InMemoryBucket().store(VersionPolicy.FIRST_VERSION))),
            "eu", List.of(new CorruptingStore(primaries.get("eu").store(VersionPolicy.FIRST_VERSION)),
                    new CorruptingStore(new InMemoryBucket().store(VersionPolicy.FIRST_VERSION))));
    private final Map<String, ObjectStore> refusingBackup = new HashMap<>();
    private final TenantLocator locator = new TenantLocator(List.of("us", "eu"), regime -> new RegimeStores(regime,
            new RegionStore(Region.PRIMARY, regions.get(regime).get(0), "strata.regime." + regime + ".primary."),
            new RegionStore(Region.BACKUP, refusingBackup.getOrDefault(regime, regions.get(regime).get(1)),
                    "strata.regime." + regime + ".backup.")));

    @Test
    void shouldFindTheOnlyRegimeThatHoldsTheTenant() {
        storeSegment("eu", "acme");

        try (RegimeStores found = locator.locate(TenantId.of("acme"), Optional.empty())) {
            assertThat(found.regime()).isEqualTo("eu");
        }
    }

    @Test
    void shouldRefuseATenantWithBackupsInTwoRegimesUnlessTheRegimeIsPinned() {
        storeSegment("us", "acme");
        storeSegment("eu", "acme");

        assertThatThrownBy(() -> locator.locate(TenantId.of("acme"), Optional.empty()))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("tenant acme has backups in regimes [us, eu]")
                .hasMessageContaining("pass --regime");
        try (RegimeStores pinned = locator.locate(TenantId.of("acme"), Optional.of("us"))) {
            assertThat(pinned.regime()).isEqualTo("us");
        }
    }

    @Test
    void shouldNameTheSearchedRegimesForAnUnknownTenant() {
        storeSegment("us", "acme");

        assertThatThrownBy(() -> locator.locate(TenantId.of("initech"), Optional.empty()))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("unknown tenant initech: no backup of it in regime(s) [us, eu]")
                .hasMessageContaining("restore-tool list tenants");
    }

    @Test
    void shouldRefuseARegimeThatIsNotConfigured() {
        assertThatThrownBy(() -> locator.locate(TenantId.of("acme"), Optional.of("apac")))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("regime 'apac' is not configured (configured: [us, eu])");
    }

    @Test
    void storesThatDoNotAnswerAreUnavailableNotAnUnknownTenant() {
        regions.values().forEach(both -> both.forEach(CorruptingStore::down));

        assertThatThrownBy(() -> locator.locate(TenantId.of("acme"), Optional.empty()))
                .isInstanceOf(UnavailableException.class)
                .hasMessageContaining("cannot look for tenant acme: no store could be read")
                .hasMessageContaining("check strata.regime.eu.backup.endpoint");
        assertThatThrownBy(() -> locator.locate(TenantId.of("acme"), Optional.of("us")))
                .isInstanceOf(UnavailableException.class)
                .hasMessageContaining("no region of the regime could be read");
    }

    @Test
    void aTenantNotInTheRegimesThatAnsweredMayBeInTheOneThatDidNot() {
        storeSegment("us", "acme");
        regions.get("eu").forEach(CorruptingStore::down);

        assertThatThrownBy(() -> locator.locate(TenantId.of("initech"), Optional.empty()))
                .isInstanceOf(UnavailableException.class)
                .hasMessageContaining("unknown tenant initech")
                .hasMessageContaining("could not read: regime eu primary");
    }

    @Test
    void aRefusedKeyIsBadInputEvenWhenTheOtherRegionIsDown() {
        regions.values().forEach(both -> both.get(0).down());
        refusingBackup.put("us", new ListRefusingStore(new InMemoryBucket().store(VersionPolicy.FIRST_VERSION)));
        refusingBackup.put("eu", new ListRefusingStore(new InMemoryBucket().store(VersionPolicy.FIRST_VERSION)));

        assertThatThrownBy(() -> locator.locate(TenantId.of("acme"), Optional.empty()))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("access denied")
                .hasMessageContaining("holds the READER key");
    }

    /** A store whose key lacks the list permission. */
    private static final class ListRefusingStore extends ForwardingObjectStore {
        ListRefusingStore(ObjectStore delegate) {
            super(delegate);
        }

        @Override
        public ListPage list(ObjectKey prefix, Optional<ObjectKey> startAfter, int maxKeys) {
            throw new StoreAccessDeniedException(StoreOperation.LIST, describe(), prefix, "AccessDenied", null);
        }
    }

    /** A change of {@code tenant} the sink backed up in {@code regime}: its segment in the regime's primary region. */
    private void storeSegment(String regime, String tenant) {
        try (SinkBackup sink = new SinkBackup(primaries.get(regime).store(VersionPolicy.LATEST_VERSION),
                new InMemoryBucket().store(VersionPolicy.LATEST_VERSION), work)) {
            sink.write(List.of(insert(tenant, "public.items", T0, 100, 1, "one")), SinkBackup.everyNEvents(1));
        }
    }
}
