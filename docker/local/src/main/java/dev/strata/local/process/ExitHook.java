package dev.strata.local.process;

/**
 * A JVM shutdown hook that closes a server when the test JVM or the demo exits without closing it
 * (Ctrl-C, System.exit, a test run that never reached its cleanup).
 */
public final class ExitHook {
    private final Thread thread;

    private ExitHook(Thread thread) {
        this.thread = thread;
    }

    public static ExitHook register(String name, Runnable action) {
        Thread thread = new Thread(action, name + "-exit-hook");
        Runtime.getRuntime().addShutdownHook(thread);
        return new ExitHook(thread);
    }

    /** Called by an explicit close, so closed servers do not pile up hooks in a long test JVM. */
    public void cancel() {
        try {
            Runtime.getRuntime().removeShutdownHook(thread);
        } catch (IllegalStateException shutdownInProgress) {
            // the JVM is already exiting and may be running this very hook; close() is idempotent
        }
    }
}
