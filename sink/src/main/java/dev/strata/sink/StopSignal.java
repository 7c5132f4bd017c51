package dev.strata.sink;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The sink's "stop" condition, and the only way its code waits: a backoff or a poll for progress
 * waits on this signal with a timeout, so that stopping ends every wait at once (no sleeps, no
 * interrupts).
 */
final class StopSignal {
    private final CountDownLatch stopped = new CountDownLatch(1);

    void stop() {
        stopped.countDown();
    }

    boolean stopped() {
        return stopped.getCount() == 0;
    }

    /** Waits up to {@code timeout}; true if the sink is stopping (wake up and give up). */
    boolean awaitStop(Duration timeout) {
        try {
            return stopped.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }
}
