package dev.strata.schemas.event;

import dev.strata.schemas.avro.ChangeEvent;

/**
 * The time a restore cuts an event at: its transaction's cut time (the running maximum of commit
 * times in WAL order, see the {@code cutTsMicros} field's doc), or its commit time for an event
 * written before capture computed cut times (v1, v2, or a null field). Every ordering and cutting
 * decision reads this, never the commit time, which is only shown to users.
 */
public final class CutTime {
    private CutTime() {
    }

    public static long of(ChangeEvent event) {
        Long cut = event.getCutTsMicros();
        return cut != null ? cut : event.getCommitTsMicros();
    }
}
