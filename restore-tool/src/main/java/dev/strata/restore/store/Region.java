package dev.strata.restore.store;

import java.util.Locale;

/** The two regions of a regime. Restore reads the primary first and falls back to the backup. */
public enum Region {
    PRIMARY,
    BACKUP;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
