package dev.strata.restore.replay;

/**
 * What a long replay reports while it runs: objects and events read, then rows loaded. On a
 * terminal a bar ({@link BarProgress}), otherwise a plain line now and then ({@link LineProgress}).
 */
public interface Progress {
    Progress NONE = new Progress() {
    };

    /** The log's segments to read: added to the objects and bytes to read, and the reading phase begins. */
    default void planned(int objects, long bytes) {
    }

    /** A base's table objects to read, beside the log's segments: added to the objects to read. */
    default void baseTables(int objects) {
    }

    default void objectRead(long bytes, long events) {
    }

    default void loading(long rows) {
    }

    default void rowsLoaded(long rows) {
    }

    default void finished() {
    }
}
