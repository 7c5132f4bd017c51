package dev.strata.schemas.testing;

import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Column;
import dev.strata.schemas.avro.Op;
import java.util.ArrayList;
import java.util.List;

/**
 * Change events as capture writes them (see capture's ChangeConverter), for controlled inputs: a
 * streamed change has eventId {@code <lsn>:<txOrder>}, a snapshot row {@code r:<lsn>:<table>:<key>}.
 */
public final class Changes {
    private Changes() {
    }

    public static Column col(String name, String pgType, Object value) {
        return new Column(name, pgType, value);
    }

    /** A row of the default test table: id bigint (key), name text. */
    public static List<Column> row(long id, String name) {
        return List.of(col("id", "bigint", id), col("name", "text", name));
    }

    public static List<Column> key(long id) {
        return List.of(col("id", "bigint", id));
    }

    public static ChangeEvent event(String tenant, String table, Op op, long commitTs, long lsn, long txOrder,
                                    List<Column> key, List<Column> before, List<Column> after) {
        String eventId = op == Op.READ ? "r:" + lsn + ":" + table + ":" + key : lsn + ":" + txOrder;
        return ChangeEvent.newBuilder()
                .setTenant(tenant).setSource("app-db").setTable(table).setOp(op)
                .setCommitTsMicros(commitTs).setLsn(lsn).setTxId(lsn / 100).setTxOrder(txOrder)
                .setKey(key == null ? null : new ArrayList<>(key))
                .setBefore(before == null ? null : new ArrayList<>(before))
                .setAfter(after == null ? null : new ArrayList<>(after))
                .setEventId(eventId).setCheckpoint(null)
                .build();
    }

    public static ChangeEvent insert(String tenant, String table, long commitTs, long lsn, long id, String name) {
        return event(tenant, table, Op.CREATE, commitTs, lsn, 1, key(id), null, row(id, name));
    }

    public static ChangeEvent update(String tenant, String table, long commitTs, long lsn, long id, String name) {
        return event(tenant, table, Op.UPDATE, commitTs, lsn, 1, key(id), null, row(id, name));
    }

    public static ChangeEvent delete(String tenant, String table, long commitTs, long lsn, long id) {
        return event(tenant, table, Op.DELETE, commitTs, lsn, 1, key(id), row(id, null), null);
    }

    public static ChangeEvent truncate(String tenant, String table, long commitTs, long lsn) {
        return event(tenant, table, Op.TRUNCATE, commitTs, lsn, 1, null, null, null);
    }
}
