package dev.strata.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StreamingWatchTest {
    private final AtomicBoolean covered = new AtomicBoolean();
    private final AtomicInteger confirmed = new AtomicInteger();
    private final StreamingWatch watch = new StreamingWatch("app", () -> covered.get()
            ? new StreamingCheck.Verdict(true, "slot s is active and publication p covers all 2 tables")
            : new StreamingCheck.Verdict(false, "publication p does not cover [public.invoices]"), confirmed::incrementAndGet);

    @Test
    void theEngineBeingPastItsSnapshotIsNotEnoughTheDatabaseMustAgree() throws Exception {
        assertThatThrownBy(() -> watch.await(Duration.ofMillis(50))).isInstanceOf(TimeoutException.class)
                .hasMessageContaining("its initial snapshot has put 0 rows in Kafka and has not completed");
        watch.streaming();
        assertThatThrownBy(() -> watch.await(Duration.ofSeconds(1))).isInstanceOf(TimeoutException.class)
                .hasMessageContaining("its initial snapshot is in Kafka, but publication p does not cover [public.invoices]");
        assertThat(watch.isStreaming()).isFalse();
        assertThat(confirmed).hasValue(0);

        covered.set(true);
        watch.await(Duration.ofSeconds(5));
        assertThat(watch.isStreaming()).isTrue();
        Thread.sleep(3 * StreamingWatch.LOOK_EVERY.toMillis());
        assertThat(confirmed).as("told once").hasValue(1);
    }

    @Test
    void anEngineThatStopsFirstFailsTheWait() {
        watch.engineStopped("it was closed", null);
        watch.streaming();
        assertThatThrownBy(() -> watch.await(Duration.ofSeconds(1))).isInstanceOf(CaptureStoppedException.class)
                .hasMessageContaining("stopped before it was streaming: it was closed");
        assertThat(confirmed).hasValue(0);
    }
}
