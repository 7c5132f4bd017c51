package dev.strata.schemas.fold.select;

import dev.strata.schemas.avro.Op;

/**
 * Judges each event of a segment before its changes go to the consumer ({@code SegmentFold.read}): a rollback's read of
 * the changes after its point asks of each its operation, cut time and transaction. Only the events at or before the
 * decoder's point that its transaction filter keeps are judged, in the segment's order; an event's changes, if it
 * passes, reach the consumer before the next event is judged. A gated read takes no key interest: each change is decoded.
 */
public interface EventGate {
    /**
     * @param definition a DDL event's table definition, else null
     * @return whether the event's changes go on to the consumer
     */
    boolean pass(Op op, int tableId, long commitTs, long cutTs, long txId, String definition);
}
