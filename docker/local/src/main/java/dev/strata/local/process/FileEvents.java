package dev.strata.local.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Waits for a condition that a server signals by writing files (an archived WAL segment's
 * {@code .done} status file, a line in its log): woken by the directory's change events
 * instead of polling on a timer.
 */
public final class FileEvents {
    private FileEvents() {
    }

    /**
     * Returns true once {@code condition} holds, checked now and after each change (a file created
     * or written) in {@code dir}; false if it still does not hold after {@code timeout}.
     */
    public static boolean await(Path dir, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        try (WatchService watch = FileSystems.getDefault().newWatchService()) {
            // registered before the first check: a change between the check and the wait still wakes us
            dir.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!condition.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                WatchKey key = left > 0 ? watch.poll(left, TimeUnit.NANOSECONDS) : null;
                if (key == null) {
                    return condition.getAsBoolean();
                }
                key.pollEvents(); // an overflow wakes us as well: the condition is re-read either way
                key.reset();
            }
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot watch " + dir + " for changes", e);
        }
    }
}
