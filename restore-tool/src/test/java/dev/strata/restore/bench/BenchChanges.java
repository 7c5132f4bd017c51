package dev.strata.restore.bench;

import dev.strata.capture.ddl.DdlHistory;
import dev.strata.local.LocalPostgres;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Column;
import dev.strata.schemas.avro.Op;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * 1% of the benchmark tenant's rows changed in the live database (half updated, a quarter deleted,
 * a quarter inserted, spread over the table), in one transaction, and the change events capture
 * would make of it: the benchmark stands in for capture, so the backup's log covers the live
 * database as it does where capture runs. Under REPLICA IDENTITY DEFAULT (the table's key) an
 * UPDATE that keeps its key carries no old row and a DELETE the key's columns only; under FULL each
 * carries the whole old row, and the table was FULL before the point: capture's schema history
 * (its event trigger, installed after the identity is set) would have logged a later change of it.
 */
final class BenchChanges {
    private static final long STEP = 200; // every 200th row: 0.5%
    private static final long INSERTED_CREATED = 1_767_225_600_000_000L; // 2026-01-01T00:00:00Z
    private static final long FIRST_LSN = 0x70_0000_0000L; // after every LSN of the bench's log

    private final List<ChangeEvent> events = new ArrayList<>();
    private long commitMicros;
    private long txId;

    private BenchChanges() {
    }

    /**
     * Changes 1% of {@code log}'s rows in {@code database}; the events hold the same changes, committed when the database
     * committed them, with the old rows its replica identity gives ({@code full}: FULL, else DEFAULT).
     */
    static BenchChanges apply(LocalPostgres pg, String database, BenchRows log, boolean full) throws Exception {
        BenchChanges changes = new BenchChanges();
        long rows = log.rows();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(database), pg.user(), pg.password()); Statement s = c.createStatement()) {
            s.execute("ALTER TABLE public.items REPLICA IDENTITY " + (full ? "FULL" : "DEFAULT"));
            if (full) {
                s.execute(DdlHistory.script());
            }
            c.setAutoCommit(false);
            s.executeUpdate("UPDATE public.items SET qty = qty + 1, note = 'changed' WHERE id % " + STEP + " = 0");
            s.executeUpdate("DELETE FROM public.items WHERE id % " + (2 * STEP) + " = 7");
            s.executeUpdate("INSERT INTO public.items SELECT " + rows + " * 2 + g, '" + BenchRows.TENANT + "', 'new', 1, 1.0,"
                    + " to_timestamp(" + INSERTED_CREATED / 1_000_000 + "), true, 'inserted' FROM generate_series(1, " + rows / (2 * STEP) + ") g");
            try (ResultSet r = s.executeQuery("SELECT txid_current()")) { // the rollback counts only what its snapshot sees
                r.next();
                changes.txId = r.getLong(1);
            }
            c.commit();
            try (ResultSet r = s.executeQuery("SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint")) {
                r.next();
                changes.commitMicros = r.getLong(1);
            }
        }
        for (long id = 0; id < rows; id += STEP) {
            List<Column> after = BenchRows.image(id, log.finalVersion(id));
            after.set(3, new Column("qty", "integer", BenchRows.qty(id, log.finalVersion(id)) + 1));
            after.set(7, new Column("note", "text", "changed"));
            changes.add(Op.UPDATE, id, full ? BenchRows.image(id, log.finalVersion(id)) : null, after);
        }
        for (long id = 7; id < rows; id += 2 * STEP) {
            changes.add(Op.DELETE, id, full ? BenchRows.image(id, log.finalVersion(id)) : List.of(new Column("id", "bigint", id)), null);
        }
        for (long g = 1; g <= rows / (2 * STEP); g++) {
            long id = rows * 2 + g;
            changes.add(Op.CREATE, id, null, List.of(new Column("id", "bigint", id), new Column("tenant_id", "text", BenchRows.TENANT),
                    new Column("name", "text", "new"), new Column("qty", "integer", 1L), new Column("price", "double precision", 1.0),
                    new Column("created", "timestamp with time zone", INSERTED_CREATED), new Column("active", "boolean", true),
                    new Column("note", "text", "inserted")));
        }
        return changes;
    }

    private void add(Op op, long id, List<Column> before, List<Column> after) {
        long lsn = FIRST_LSN + 40L * events.size();
        events.add(ChangeEvent.newBuilder().setTenant(BenchRows.TENANT).setSource("bench").setTable(BenchRows.TABLE).setOp(op)
                .setCommitTsMicros(commitMicros).setLsn(lsn).setTxId(txId).setTxOrder(events.size() + 1L)
                .setKey(List.of(new Column("id", "bigint", id))).setBefore(before).setAfter(after)
                .setEventId(lsn + ":" + (events.size() + 1)).setCheckpoint(null).build());
    }

    List<ChangeEvent> events() {
        return events;
    }

    long commitMicros() {
        return commitMicros;
    }
}
