package dev.strata.schemas.fold.select;

import dev.strata.schemas.fold.FoldOp;

/**
 * A gate that also takes the old row each UPDATE and DELETE it passes carries: a rollback's read of the changes after
 * its point, where a key's first old row is its row at the point, when whole (REPLICA IDENTITY FULL; under DEFAULT an
 * old row holds the key's columns only, and an UPDATE that keeps its key carries none). The fast decoder hands it over
 * after {@link #pass} and before the event's changes; a segment Avro's reader decodes gives none.
 */
public interface PriorRowGate extends EventGate {
    /** @param oldRow an UPSERT of the old key with the old row as the event carries it, at the change's position */
    void prior(FoldOp oldRow);
}
