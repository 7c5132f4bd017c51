package dev.strata.schemas.store.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void theCeilingDoublesUpToTheCap() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1));
        assertThat(backoff.ceiling(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(backoff.ceiling(2)).isEqualTo(Duration.ofMillis(200));
        assertThat(backoff.ceiling(4)).isEqualTo(Duration.ofMillis(800));
        assertThat(backoff.ceiling(5)).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.ceiling(1_000)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aWaitLiesBetweenHalfTheCeilingAndTheCeiling() {
        assertThat(new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), () -> 0.0).delay(4)).isEqualTo(Duration.ofMillis(400));
        assertThat(new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), () -> 0.5).delay(4)).isEqualTo(Duration.ofMillis(600));
        assertThat(new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), () -> 0.999).delay(6)).isEqualTo(Duration.ofMillis(999));
    }

    @Test
    void twoRetriersSpreadTheirWaits() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10));
        Set<Duration> waits = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            Duration wait = backoff.delay(5);
            assertThat(wait).isBetween(Duration.ofMillis(800), Duration.ofMillis(1600));
            waits.add(wait);
        }
        assertThat(waits).hasSizeGreaterThan(1);
    }

    @Test
    void refusesABackwardRange() {
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessageContaining("0 < initial <= max");
    }
}
