package dev.strata.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RedrivenPlacementWaitTest {

    @Test
    void shouldWaitUntilThePlacementReachesTheRoutersCopy() {
        AtomicInteger lookups = new AtomicInteger();
        RedrivenPlacementWait wait = new RedrivenPlacementWait(Duration.ofSeconds(5));

        String regime = wait.await("acme", () -> lookups.incrementAndGet() > 3 ? "eu" : null);

        assertThat(regime).isEqualTo("eu");
        assertThat(lookups).hasValue(4);
    }

    @Test
    void shouldGiveUpAfterTheBoundAndNotWaitAgainForThatTenantAtOnce() {
        RedrivenPlacementWait wait = new RedrivenPlacementWait(Duration.ofMillis(200));

        long first = System.nanoTime();
        assertThat(wait.await("gone", () -> null)).isNull();
        long firstMillis = (System.nanoTime() - first) / 1_000_000;
        long second = System.nanoTime();
        assertThat(wait.await("gone", () -> null)).isNull();
        long secondMillis = (System.nanoTime() - second) / 1_000_000;

        assertThat(firstMillis).as("the first record waits the bound").isGreaterThanOrEqualTo(200);
        assertThat(secondMillis).as("the next records of a tenant given up on do not wait").isLessThan(100);
        assertThat(wait.await("other", () -> "us")).as("another tenant is not affected").isEqualTo("us");
    }
}
