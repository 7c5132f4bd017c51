package dev.strata.schemas.ops;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A service's "stop" condition, and the only way its code waits: a backoff, a poll for progress or
 * a schedule waits on this signal with a timeout, so that stopping ends every wait at once (no
 * sleeps, no interrupts).
 */
public final class StopSignal {
    private final CountDownLatch stopped = new CountDownLatch(1);

    public void stop() {
        stopped.countDown();
    }

    public boolean stopped() {
        return stopped.getCount() == 0;
    }

    /** Waits up to {@code timeout}; true if the service is stopping (wake up and give up). */
    public boolean awaitStop(Duration timeout) {
        try {
            return stopped.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }
}
