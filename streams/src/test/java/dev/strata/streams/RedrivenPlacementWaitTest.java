package dev.strata.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class RedrivenPlacementWaitTest {

    @Test
    void shouldWakeWhenThePlacementReachesTheRoutersCopy() throws Exception {
        PlacementUpdates updates = new PlacementUpdates();
        RedrivenPlacementWait wait = new RedrivenPlacementWait(Duration.ofSeconds(30), updates);
        AtomicReference<String> copy = new AtomicReference<>();
        CountDownLatch looked = new CountDownLatch(1);

        CompletableFuture<String> waiting = CompletableFuture.supplyAsync(() -> wait.await("acme", () -> {
            looked.countDown();
            return copy.get();
        }));
        assertThat(looked.await(10, TimeUnit.SECONDS)).isTrue();
        copy.set("eu");
        updates.changed();

        assertThat(waiting.get(10, TimeUnit.SECONDS)).as("woken by the change, long before the 30 s bound").isEqualTo("eu");
    }

    @Test
    void shouldGiveUpAfterTheBoundAndNotWaitAgainForThatTenantAtOnce() {
        RedrivenPlacementWait wait = new RedrivenPlacementWait(Duration.ofMillis(200), new PlacementUpdates());

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
