package dev.strata.restore.rollback;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Work of a rollback that runs beside its main thread, each task on a named daemon thread of its
 * own: the plans, the wait for the durable point and the dead-letter check block on the store or on
 * Kafka for up to a minute, which is no work for the common pool's few threads (a thread dump names
 * what each waits for; a daemon never keeps the tool from exiting).
 */
final class Background {

    private Background() {
    }

    static <T> CompletableFuture<T> run(String name, Supplier<T> work) {
        return CompletableFuture.supplyAsync(work, named(name));
    }

    /** Starts each task given on a new daemon thread named {@code name}. */
    static Executor named(String name) {
        return task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            thread.start();
        };
    }
}
