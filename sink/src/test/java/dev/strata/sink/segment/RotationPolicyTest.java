package dev.strata.sink.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RotationPolicyTest {
    private static final Instant OPENED = Instant.parse("2026-11-21T10:00:00Z");
    private final RotationPolicy policy = new RotationPolicy(1_000, 10, Duration.ofSeconds(1), Duration.ofHours(1));

    @Test
    void keepsASegmentOpenBelowEveryLimit() {
        assertThat(policy.check(999, 9, OPENED, OPENED.plusMillis(999))).isEmpty();
    }

    @Test
    void rotatesOnSizeFirstThenRecordsThenAge() {
        Instant late = OPENED.plusSeconds(5);
        assertThat(policy.check(1_000, 10, OPENED, late)).contains(RotationReason.SIZE);
        assertThat(policy.check(10, 10, OPENED, late)).contains(RotationReason.RECORDS);
        assertThat(policy.check(10, 1, OPENED, late)).contains(RotationReason.AGE);
    }

    @Test
    void rotatesByAgeExactlyAtTheFlushInterval() {
        assertThat(policy.check(1, 1, OPENED, OPENED.plusSeconds(1))).contains(RotationReason.AGE);
        assertThat(policy.dueAt(OPENED)).isEqualTo(OPENED.plusSeconds(1));
    }

    @Test
    void rotatesBeforeAnEventThatWouldStretchTheCommitSpanBeyondTheBound() {
        long hour = Duration.ofHours(1).toNanos() / 1000;
        assertThat(policy.spanWouldExceed(0, 10, hour)).as("exactly one hour from the first").isFalse();
        assertThat(policy.spanWouldExceed(0, 10, hour + 1)).as("one microsecond later").isTrue();
        assertThat(policy.spanWouldExceed(hour, hour, -1)).as("an older event counts too").isTrue();
    }

    @Test
    void refusesLimitsThatAreNotPositive() {
        assertThatThrownBy(() -> new RotationPolicy(0, 1, Duration.ofSeconds(1), Duration.ofHours(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RotationPolicy(1, 1, Duration.ZERO, Duration.ofHours(1))).isInstanceOf(IllegalArgumentException.class);
    }
}
