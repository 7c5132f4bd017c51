package dev.strata.sink.segment;

import dev.strata.sink.Segments;
import dev.strata.sink.SinkFailedException;
import dev.strata.sink.UnlistableStore;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.schemas.TenantId;
import dev.strata.schemas.store.InMemoryBucket;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.VersionPolicy;
import dev.strata.schemas.store.failure.StoreUnavailableException;
import org.junit.jupiter.api.Test;

class SegmentCatalogTest {
    private static final TenantId ACME = TenantId.of("acme");
    private static final long COMMIT_MICROS = 1_795_260_000_000_000L;

    private final ObjectStore primary = new InMemoryBucket().store(VersionPolicy.LATEST_VERSION);
    private final ObjectStore backup = new InMemoryBucket().store(VersionPolicy.LATEST_VERSION);
    private final ClosedSegment inBoth = Segments.of("acme", 0, 9, COMMIT_MICROS);
    private final ClosedSegment inPrimaryOnly = Segments.of("acme", 10, 19, COMMIT_MICROS + 10);

    SegmentCatalogTest() {
        primary.putIfAbsent(inBoth.key(), inBoth.bytes(), inBoth.sha256());
        backup.putIfAbsent(inBoth.key(), inBoth.bytes(), inBoth.sha256());
        primary.putIfAbsent(inPrimaryOnly.key(), inPrimaryOnly.bytes(), inPrimaryOnly.sha256());
    }

    @Test
    void saysInWhichRegionsEachSegmentIs() {
        assertThat(new SegmentCatalog(primary, backup).overlapping(ACME, 0, 0, 19, COMMIT_MICROS - 1)).containsExactly(
                new KnownSegment(inBoth.segmentKey(), true, true), new KnownSegment(inPrimaryOnly.segmentKey(), true, false));
    }

    @Test
    void aRegionThatCannotBeListedCountsAsHoldingNothingWhileTheOtherCanBe() {
        // what the primary holds is then re-cut to the same key and bytes, and putIfAbsent finds the backup's copy
        SegmentCatalog catalog = new SegmentCatalog(primary, new UnlistableStore(backup, "backup"));
        assertThat(catalog.overlapping(ACME, 0, 0, 19, COMMIT_MICROS - 1)).containsExactly(
                new KnownSegment(inBoth.segmentKey(), true, false), new KnownSegment(inPrimaryOnly.segmentKey(), true, false));
    }

    @Test
    void stopsTheSinkWhenNeitherRegionCanBeListed() {
        // with nothing known, this run would cut offsets 0..19 again at its own boundaries, overlapping both segments
        SegmentCatalog catalog = new SegmentCatalog(new UnlistableStore(primary, "primary bucket p"),
                new UnlistableStore(backup, "backup bucket b"));
        assertThatThrownBy(() -> catalog.overlapping(ACME, 3, 0, 19, COMMIT_MICROS - 1))
                .isInstanceOf(SinkFailedException.class)
                .hasMessageStartingWith("cannot recover partition 3: the segments of tenant acme cannot be listed in either region")
                .hasMessageContaining("primary bucket p: ")
                .hasMessageContaining("backup bucket b: ")
                .hasMessageContaining("offsets 0..19")
                .hasMessageContaining("Make at least one region listable")
                .hasCauseInstanceOf(StoreUnavailableException.class)
                .satisfies(e -> assertThat(e.getSuppressed()).hasSize(1));
    }
}
