package dev.strata.restore.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SnapshotVisibilityTest {

    @Test
    void visibleIffCompletedBeforeTheSnapshot() {
        SnapshotVisibility snapshot = SnapshotVisibility.parse("100:110:103,107");

        assertThat(snapshot.includes(99)).isTrue();
        assertThat(snapshot.includes(100)).isTrue();
        assertThat(snapshot.includes(103)).isFalse(); // in progress when the snapshot was taken
        assertThat(snapshot.includes(105)).isTrue();
        assertThat(snapshot.includes(107)).isFalse();
        assertThat(snapshot.includes(110)).isFalse(); // started after it
        assertThat(snapshot.includes(5000)).isFalse();
    }

    @Test
    void printsAsPostgresDoes() {
        assertThat(SnapshotVisibility.parse("100:110:107,103")).hasToString("100:110:103,107");
        assertThat(SnapshotVisibility.parse("742:742:")).hasToString("742:742:");
    }

    @Test
    void emptyInProgressList() {
        SnapshotVisibility snapshot = SnapshotVisibility.parse("742:742:");

        assertThat(snapshot.includes(741)).isTrue();
        assertThat(snapshot.includes(742)).isFalse();
    }

    @Test
    void widensDebeziums32BitXidsByTheSnapshotsEpoch() {
        long epoch3 = 3L << 32;
        SnapshotVisibility snapshot = SnapshotVisibility.parse((epoch3 + 10) + ":" + (epoch3 + 20) + ":" + (epoch3 + 15));

        assertThat(snapshot.includes(12)).isTrue();
        assertThat(snapshot.includes(15)).isFalse();
        assertThat(snapshot.includes(25)).isFalse();
        // just before the epoch turned: 2^32 - 5 of epoch 2
        assertThat(snapshot.full((1L << 32) - 5)).isEqualTo(epoch3 - 5);
        assertThat(snapshot.includes((1L << 32) - 5)).isTrue();
        // an id that already carries its epoch is compared as it is
        assertThat(snapshot.includes(epoch3 + 12)).isTrue();
        assertThat(snapshot.includes(epoch3 + 15)).isFalse();
    }

    @Test
    void refusesTextThatIsNotASnapshot() {
        assertThatThrownBy(() -> SnapshotVisibility.parse("100-110"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("xmin:xmax:xip");
        assertThatThrownBy(() -> SnapshotVisibility.parse("120:110:"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("xmin above xmax");
    }

    @Test
    void theSpecialXidsAreOlderThanEverySnapshotWhateverItsEpoch() {
        // xmax's low 32 bits above 2^31: a naive widening would put xid 0 into the next epoch
        SnapshotVisibility snapshot = SnapshotVisibility.parse("8589934592000:8589934592010:");
        SnapshotVisibility late = SnapshotVisibility.parse((3L << 32) + 3_000_000_000L + ":" + ((3L << 32) + 3_000_000_010L) + ":");

        for (long special : new long[] {0, 1, 2}) {
            assertThat(snapshot.includes(special)).as("xid %d", special).isTrue();
            assertThat(late.includes(special)).as("xid %d", special).isTrue();
        }
    }
}
