package dev.strata.restore.rollback;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Work of a rollback that runs beside its main thread on a daemon thread of its own: the plans and
 * the wait for the durable point block on the store, and the common pool has a single thread on a
 * 2-core machine, where they would run one after another.
 */
final class Background {

    private Background() {
    }

    static <T> CompletableFuture<T> run(String name, Supplier<T> work) {
        return CompletableFuture.supplyAsync(work, task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            thread.start();
        });
    }
}
