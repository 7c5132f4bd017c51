package dev.strata.sink.segment;

import dev.strata.sink.CommitTracker;
import dev.strata.sink.SinkParts;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.schemas.TenantId;
import dev.strata.schemas.TestEvents;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.layout.SegmentKey;
import dev.strata.schemas.segment.SegmentReader;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PartitionSegmenterTest {
    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
    private static final long COMMIT0 = 1_795_260_000_000_000L;

    private final CommitTracker tracker = new CommitTracker();
    private final List<ClosedSegment> closed = new ArrayList<>();
    private final List<Long> skipped = new ArrayList<>();
    private final PartitionSegmenter.Output output = new PartitionSegmenter.Output() {
        @Override
        public void closed(ClosedSegment segment) {
            closed.add(segment);
        }

        @Override
        public void alreadyDurable(TenantId tenant, long offset, EventView event, SegmentKey segment) {
            skipped.add(offset);
        }
    };

    private PartitionSegmenter segmenter(RotationPolicy policy, RecoveryGuide recovery) {
        tracker.assigned(2, 0);
        return new PartitionSegmenter(2, 1, policy, SinkParts.ZSTD_LEVEL, tracker, recovery, output);
    }

    private static void append(PartitionSegmenter segmenter, long offset, String tenant, Instant now) {
        segmenter.append(offset, TenantId.of(tenant), EventView.of(event(tenant, offset)), now);
    }

    private static ChangeEvent event(String tenant, long offset) {
        return TestEvents.update(tenant, 1_000 + offset, COMMIT0 + offset * 1_000);
    }

    @Test
    void keepsOneSegmentPerTenantAndNamesItFromItsOffsets() {
        PartitionSegmenter s = segmenter(new RotationPolicy(1 << 20, 3, Duration.ofSeconds(1), Duration.ofHours(1)), RecoveryGuide.NONE);
        for (long offset = 0; offset < 6; offset++) {
            append(s, offset, offset % 2 == 0 ? "acme" : "globex", T0);
        }
        assertThat(closed).hasSize(2).allMatch(c -> c.reason() == RotationReason.RECORDS);
        ClosedSegment acme = closed.get(0);
        assertThat(acme.segmentKey()).isEqualTo(new SegmentKey(TenantId.of("acme"), COMMIT0, COMMIT0 + 4_000, 2, 0, 4));
        assertThat(acme.key().value()).startsWith("strata/v1/tenants/acme/log/").endsWith("_p0000000002_0000000000000000000_0000000000000000004.seg");
        assertThat(SegmentReader.readAll(acme.bytes(), acme.sha256(), "test")).extracting(ChangeEvent::getEventId)
                .containsExactly(event("acme", 0).getEventId(), event("acme", 2).getEventId(), event("acme", 4).getEventId());
        assertThat(tracker.holds(2)).isEqualTo(2); // one hold per segment until the loop reports it durable
    }

    @Test
    void rotatesByAgeOnlyWhenDueAndNamesTheReason() {
        PartitionSegmenter s = segmenter(new RotationPolicy(1 << 20, 1_000, Duration.ofSeconds(1), Duration.ofHours(1)), RecoveryGuide.NONE);
        append(s, 0, "acme", T0);
        s.rotateDue(T0.plusMillis(999), 1);
        assertThat(closed).isEmpty();
        assertThat(s.nextDue()).contains(T0.plusSeconds(1));
        s.rotateDue(T0.plusSeconds(1), 1);
        assertThat(closed).singleElement().extracting(ClosedSegment::reason).isEqualTo(RotationReason.AGE);
        assertThat(s.nextDue()).isEmpty();
    }

    @Test
    void startsANewSegmentWhenAnEventWouldStretchTheCommitSpanBeyondTheLayoutBound() {
        PartitionSegmenter s = segmenter(new RotationPolicy(1 << 20, 1_000, Duration.ofSeconds(1), Duration.ofMillis(2)), RecoveryGuide.NONE);
        for (long offset = 0; offset < 4; offset++) { // commit times 0, 1, 2, 3 ms after COMMIT0
            append(s, offset, "acme", T0);
        }
        s.closeAll(RotationReason.SHUTDOWN, T0);
        assertThat(closed).extracting(ClosedSegment::reason).containsExactly(RotationReason.SPAN, RotationReason.SHUTDOWN);
        assertThat(closed.get(0).segmentKey()).isEqualTo(new SegmentKey(TenantId.of("acme"), COMMIT0, COMMIT0 + 2_000, 2, 0, 2));
        assertThat(closed.get(1).segmentKey()).isEqualTo(new SegmentKey(TenantId.of("acme"), COMMIT0 + 3_000, COMMIT0 + 3_000, 2, 3, 3));
    }

    @Test
    void closesEverythingOnRevocation() {
        PartitionSegmenter s = segmenter(new RotationPolicy(1 << 20, 1_000, Duration.ofSeconds(1), Duration.ofHours(1)), RecoveryGuide.NONE);
        append(s, 0, "acme", T0);
        append(s, 1, "globex", T0);
        s.closeAll(RotationReason.REVOCATION, T0);
        assertThat(closed).hasSize(2).allMatch(c -> c.reason() == RotationReason.REVOCATION);
        assertThat(s.openSegments()).isZero();
    }

    @Test
    void sameRecordsGiveTheSameKeyAndBytes() {
        PartitionSegmenter first = segmenter(new RotationPolicy(1 << 20, 4, Duration.ofSeconds(1), Duration.ofHours(1)), RecoveryGuide.NONE);
        for (long offset = 0; offset < 4; offset++) {
            append(first, offset, "acme", T0);
        }
        PartitionSegmenter again = new PartitionSegmenter(2, 2, new RotationPolicy(1 << 20, 4, Duration.ofSeconds(1), Duration.ofHours(1)),
                SinkParts.ZSTD_LEVEL, tracker, RecoveryGuide.NONE, output);
        for (long offset = 0; offset < 4; offset++) {
            append(again, offset, "acme", T0.plusSeconds(30));
        }
        assertThat(closed).hasSize(2);
        assertThat(closed.get(1).key()).isEqualTo(closed.get(0).key());
        assertThat(closed.get(1).bytes()).isEqualTo(closed.get(0).bytes());
    }

    @Test
    void recoverySkipsWhatBothRegionsHoldAndReCutsWhatOneHoldsAtItsExactBoundaries() {
        // An earlier run wrote acme 0..4 (records 0, 2, 4) to both regions and acme 6..10 (6, 8, 10) to the primary only.
        SegmentKey durable = new SegmentKey(TenantId.of("acme"), COMMIT0, COMMIT0 + 4_000, 2, 0, 4);
        SegmentKey half = new SegmentKey(TenantId.of("acme"), COMMIT0 + 6_000, COMMIT0 + 10_000, 2, 6, 10);
        RecoveryGuide guide = new RecoveryGuide() {
            @Override
            public boolean covers(long offset) {
                return offset <= 11;
            }

            @Override
            public Optional<KnownSegment> segmentHolding(TenantId tenant, long offset, long commitMicros) {
                return List.of(new KnownSegment(durable, true, true), new KnownSegment(half, true, false)).stream()
                        .filter(k -> tenant.equals(k.key().tenant()) && k.holds(offset)).findFirst();
            }
        };
        // The new run would cut by age differently (2 records): recovery must win over the policy.
        PartitionSegmenter s = segmenter(new RotationPolicy(1 << 20, 2, Duration.ofMillis(1), Duration.ofHours(1)), guide);
        for (long offset = 0; offset <= 14; offset += 2) {
            append(s, offset, "acme", T0.plusSeconds(offset));
        }
        assertThat(skipped).containsExactly(0L, 2L, 4L);
        assertThat(closed).hasSize(2);
        assertThat(closed.get(0).segmentKey()).isEqualTo(half);
        assertThat(closed.get(0).reason()).isEqualTo(RotationReason.RECOVERY);
        assertThat(closed.get(1).segmentKey().firstOffset()).isEqualTo(12);
        assertThat(closed.get(1).reason()).isEqualTo(RotationReason.RECORDS);
    }

    @Test
    void anUnfinishedReCutIsAbandonedOnRevocationAndKeepsItsHold() {
        SegmentKey half = new SegmentKey(TenantId.of("acme"), COMMIT0, COMMIT0 + 4_000, 2, 0, 4);
        RecoveryGuide guide = new RecoveryGuide() {
            @Override
            public boolean covers(long offset) {
                return offset <= 4;
            }

            @Override
            public Optional<KnownSegment> segmentHolding(TenantId tenant, long offset, long commitMicros) {
                return offset <= 4 ? Optional.of(new KnownSegment(half, false, true)) : Optional.empty();
            }
        };
        PartitionSegmenter s = segmenter(new RotationPolicy(1 << 20, 1_000, Duration.ofSeconds(1), Duration.ofHours(1)), guide);
        append(s, 0, "acme", T0);
        s.closeAll(RotationReason.REVOCATION, T0);
        assertThat(closed).isEmpty();
        assertThat(tracker.committable(2)).hasValue(0);
    }
}
