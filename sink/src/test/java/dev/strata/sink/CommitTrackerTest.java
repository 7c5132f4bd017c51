package dev.strata.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CommitTrackerTest {
    private final CommitTracker tracker = new CommitTracker();

    @Test
    void commitsThePositionWhenNothingIsHeld() {
        tracker.assigned(0, 5);
        assertThat(tracker.committable(0)).hasValue(5);
        tracker.advanceTo(0, 12);
        assertThat(tracker.committable(0)).hasValue(12);
    }

    @Test
    void commitsTheLowestOffsetNotDurableAcrossInterleavedTenants() {
        // tenant A holds 0, 2, 4 in one segment; tenant B holds 1, 3, 5 in another
        tracker.assigned(0, 0);
        tracker.hold(0, 0);
        tracker.hold(0, 1);
        tracker.advanceTo(0, 6);
        assertThat(tracker.committable(0)).hasValue(0);

        tracker.release(0, 0); // A durable: B still holds 1
        assertThat(tracker.committable(0)).hasValue(1);

        tracker.release(0, 1);
        assertThat(tracker.committable(0)).hasValue(6);
    }

    @Test
    void aLaterSegmentDurableFirstDoesNotMoveTheCommitPastAnEarlierOne() {
        tracker.assigned(3, 100);
        tracker.hold(3, 100);
        tracker.hold(3, 150);
        tracker.advanceTo(3, 200);
        tracker.release(3, 150);
        assertThat(tracker.committable(3)).hasValue(100);
    }

    @Test
    void neverMovesThePositionBack() {
        tracker.assigned(0, 10);
        tracker.advanceTo(0, 7);
        assertThat(tracker.committable(0)).hasValue(10);
    }

    @Test
    void ignoresReleasesOfARevokedPartitionButRefusesUnknownReleases() {
        tracker.assigned(1, 0);
        tracker.hold(1, 0);
        tracker.revoked(1);
        tracker.release(1, 0);
        assertThat(tracker.committable(1)).isEmpty();

        tracker.assigned(2, 0);
        assertThatThrownBy(() -> tracker.release(2, 9)).isInstanceOf(IllegalStateException.class).hasMessageContaining("not held");
    }

    @Test
    void refusesWorkOnAPartitionItDoesNotOwn() {
        assertThatThrownBy(() -> tracker.hold(4, 0)).isInstanceOf(IllegalStateException.class).hasMessageContaining("not assigned");
    }
}
