package dev.strata.restore.history;

import dev.strata.schemas.avro.Op;
import java.util.Map;
import java.util.Optional;

/**
 * One version of a row in the log: when and by which transaction, and what it held. Values are
 * in Postgres text, as {@code psql} prints them.
 *
 * @param row the row after the change (before it, for a DELETE that carried its old image); empty for a TRUNCATE
 * @param changed the columns this change set, with their new values; empty when the previous version is not among those read
 */
public record RowVersion(long cutMicros, long commitMicros, Op op, long txId, long lsn, Map<String, String> key,
                         Map<String, String> row, Optional<Map<String, String>> changed) {

    /** The restore point just before this change: every transaction ordered before it, none at or after it. */
    public long justBeforeMicros() {
        return cutMicros - 1;
    }
}
