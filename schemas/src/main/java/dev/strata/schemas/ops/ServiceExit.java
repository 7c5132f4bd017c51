package dev.strata.schemas.ops;

/**
 * The exit code every Strata process shares for "a server it needs did not answer; nothing to fix in
 * its configuration, start it again later": capture, the router and the sinks when Kafka does not
 * answer at start, and restore-tool for a store, Kafka or a database that does not answer. Each
 * process documents its other codes beside its main (a configuration error keeps its own).
 */
public final class ServiceExit {
    public static final int UNAVAILABLE = 4;

    private ServiceExit() {
    }
}
