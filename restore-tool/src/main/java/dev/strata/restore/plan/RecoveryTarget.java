package dev.strata.restore.plan;

import dev.strata.restore.BadInputException;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a restore stops, as PostgreSQL's recovery targets (inclusive): a time or 'latest'
 * ({@code --until}, recovery_target_time), a transaction ({@code --until-xid},
 * recovery_target_xid) or a WAL position ({@code --until-lsn}, recovery_target_lsn). Exactly one
 * is given.
 */
public sealed interface RecoveryTarget {

    record Time(String text) implements RecoveryTarget {
    }

    record Xid(long xid) implements RecoveryTarget {
    }

    record Lsn(long lsn) implements RecoveryTarget {
    }

    /** @throws BadInputException unless exactly one of them is given, well-formed */
    static RecoveryTarget of(String until, String untilXid) {
        return of(until, untilXid, null);
    }

    /** @throws BadInputException unless exactly one of them is given, well-formed */
    static RecoveryTarget of(String until, String untilXid, String untilLsn) {
        List<String> given = new ArrayList<>();
        if (until != null) {
            given.add("--until");
        }
        if (untilXid != null) {
            given.add("--until-xid");
        }
        if (untilLsn != null) {
            given.add("--until-lsn");
        }
        if (given.size() != 1) {
            throw new BadInputException((given.isEmpty() ? "no restore point given" : "more than one restore point given ("
                    + String.join(", ", given) + ")") + ": give exactly one of --until <time|latest>, --until-xid <transaction id>"
                    + " or --until-lsn <X/Y>");
        }
        if (untilLsn != null) {
            return new Lsn(WalLsn.parse(untilLsn));
        }
        if (until != null) {
            if (!RestoreTime.LATEST.equalsIgnoreCase(until.trim())) {
                RestoreTime.parse(until); // a malformed time is reported before any store is contacted
            }
            return new Time(until);
        }
        try {
            long xid = Long.parseLong(untilXid.trim());
            if (xid > 0) {
                return new Xid(xid);
            }
        } catch (NumberFormatException e) {
            // named below
        }
        throw new BadInputException("malformed --until-xid '" + untilXid + "': give a PostgreSQL transaction id, e.g. 4711");
    }
}
