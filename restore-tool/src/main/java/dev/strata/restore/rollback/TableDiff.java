package dev.strata.restore.rollback;

import java.util.List;

/**
 * What rolling one table of a tenant back changes: its live rows to delete (not in the state at the
 * restore point), to update (different there) and to insert (missing now), with a few keys of each.
 */
record TableDiff(String table, long deletes, long updates, long inserts, List<String> sampleDeletes, List<String> sampleUpdates,
                 List<String> sampleInserts) {

    boolean empty() {
        return deletes == 0 && updates == 0 && inserts == 0;
    }
}
