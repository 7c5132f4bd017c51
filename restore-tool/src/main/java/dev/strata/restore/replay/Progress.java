package dev.strata.restore.replay;

/**
 * What a long replay reports while it runs: objects and events read, then rows loaded. On a
 * terminal a bar ({@link BarProgress}), otherwise a plain line now and then ({@link LineProgress}).
 */
public interface Progress {
    Progress NONE = new Progress() {
    };

    default void planned(int objects, long bytes) {
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
