package dev.strata.restore.replay;

import dev.strata.restore.store.Region;

/**
 * One segment, read, verified and folded: what to count.
 *
 * @param afterUntil events committed after the restore point (read because the segment straddles it)
 */
record SegmentBatch(long events, long afterUntil, long bytes, Region from, boolean sealed) {
}
