package dev.strata.restore.erase;

import dev.strata.schemas.erasure.TenantTombstone;
import dev.strata.schemas.layout.BackupLayout;

/** A command asked for a tenant whose data keys were destroyed: nothing of it can be read, by design. */
public final class TenantErasedException extends RuntimeException {
    private final TenantTombstone tombstone;

    public TenantErasedException(TenantTombstone tombstone) {
        super(tombstone.sentence() + ": its data keys are destroyed, so nothing of its backup can be read or restored;"
                + " its tombstone is " + BackupLayout.tombstone(tombstone.tenant()) + " in regime " + tombstone.regime());
        this.tombstone = tombstone;
    }

    public TenantTombstone tombstone() {
        return tombstone;
    }
}
