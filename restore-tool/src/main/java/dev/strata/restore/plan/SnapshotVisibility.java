package dev.strata.restore.plan;

import dev.strata.schemas.fold.select.TransactionFilter;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Whether a transaction is visible in a Postgres snapshot as {@code pg_current_snapshot()} prints it
 * ({@code xmin:xmax:xip,...}, 64-bit "full" transaction ids: epoch in the high 32 bits). Visible iff
 * it completed before the snapshot: {@code xid < xmin}, or {@code xid < xmax} and not in progress.
 * (A rolled-back transaction would pass this test, but it never reaches the log.)
 *
 * <p>Debezium's {@code source.txId} of a streamed change is pgoutput's 32-bit xid, without the
 * epoch; the initial snapshot's READ events carry {@code txid_current()}, which has it. A 32-bit id
 * is widened to the full id with the same low 32 bits nearest to {@code xmax}: Postgres keeps every
 * xid it compares within 2^31 of the current one (wraparound protection), so there is one candidate.
 */
public final class SnapshotVisibility implements TransactionFilter {
    private static final long EPOCH_SPAN = 1L << 32;
    /** Postgres's first normal xid; 0, 1 and 2 (invalid, bootstrap, frozen) are older than every snapshot. */
    private static final long FIRST_NORMAL_XID = 3;

    private final long xmin;
    private final long xmax;
    private final long[] inProgress;

    private SnapshotVisibility(long xmin, long xmax, long[] inProgress) {
        this.xmin = xmin;
        this.xmax = xmax;
        this.inProgress = inProgress;
    }

    /** As {@code pg_current_snapshot()} prints it. */
    @Override
    public String toString() {
        return xmin + ":" + xmax + ":" + Arrays.stream(inProgress).mapToObj(Long::toString).collect(Collectors.joining(","));
    }

    public static SnapshotVisibility parse(String snapshot) {
        String[] parts = snapshot == null ? new String[0] : snapshot.trim().split(":", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("snapshot '" + snapshot + "' is not pg_current_snapshot() text (xmin:xmax:xip,...)");
        }
        try {
            long xmin = Long.parseLong(parts[0]);
            long xmax = Long.parseLong(parts[1]);
            long[] xip = parts[2].isEmpty() ? new long[0] : Arrays.stream(parts[2].split(",")).mapToLong(Long::parseLong).sorted().toArray();
            if (xmin > xmax) {
                throw new IllegalArgumentException("snapshot '" + snapshot + "' has xmin above xmax");
            }
            return new SnapshotVisibility(xmin, xmax, xip);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("snapshot '" + snapshot + "' is not pg_current_snapshot() text (xmin:xmax:xip,...)", e);
        }
    }

    @Override
    public boolean includes(long txId) {
        if (txId >= 0 && txId < FIRST_NORMAL_XID) {
            return true; // e.g. the rows of a base a move copied as a snapshot, which carry no transaction of their own
        }
        long xid = full(txId);
        if (xid < xmin) {
            return true;
        }
        return xid < xmax && Arrays.binarySearch(inProgress, xid) < 0;
    }

    /** The 64-bit id of a 32-bit one, relative to this snapshot; an id with an epoch is already full. */
    long full(long txId) {
        if (txId >= EPOCH_SPAN || txId < 0) {
            return txId;
        }
        long candidate = (xmax & ~(EPOCH_SPAN - 1)) | txId;
        long half = EPOCH_SPAN / 2;
        if (candidate > xmax + half && candidate >= EPOCH_SPAN) {
            return candidate - EPOCH_SPAN;
        }
        if (candidate < xmax - half) {
            return candidate + EPOCH_SPAN;
        }
        return candidate;
    }
}
