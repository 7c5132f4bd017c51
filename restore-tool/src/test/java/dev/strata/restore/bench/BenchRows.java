package dev.strata.restore.bench;

import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Column;
import dev.strata.schemas.avro.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The benchmark's table and its change log: every surviving row is inserted and updated twice
 * (three events per row), and one row in twenty more is inserted and later deleted. A row's values
 * are a pure function of (id, version), so the final rows can be rebuilt without the log.
 */
final class BenchRows {
    static final String TENANT = "bench";
    static final String TABLE = "public.items";
    static final String DDL = "CREATE TABLE public.items (id bigint NOT NULL, tenant_id text, name text, qty integer,"
            + " price double precision, created timestamptz, active boolean, note text)";
    static final long CREATED_BASE = 1_790_000_000_000_000L;
    static final int FINAL_VERSION = 2;

    private final long rows;
    private final long doomed;
    private final long startMicros;
    private final long stepMicros;
    private long lsn = 0x10000000L;
    private long txOrder;
    private long commitTs;

    BenchRows(long rows, long startMicros, long spanMicros) {
        this.rows = rows;
        this.doomed = rows / 20;
        this.startMicros = startMicros;
        this.stepMicros = Math.max(1, spanMicros / (events() / 100));
        this.commitTs = startMicros;
    }

    long events() {
        return 3 * rows + 2 * doomed;
    }

    /** Every event in commit order, in transactions of 100 changes. */
    void forEach(Consumer<ChangeEvent> out) {
        for (long id = 0; id < rows + doomed; id++) {
            out.accept(change(Op.CREATE, id, 0));
        }
        for (int version = 1; version <= FINAL_VERSION; version++) {
            for (long id = 0; id < rows; id++) {
                out.accept(change(Op.UPDATE, id, version));
            }
        }
        for (long id = rows; id < rows + doomed; id++) {
            out.accept(change(Op.DELETE, id, 0));
        }
    }

    private ChangeEvent change(Op op, long id, int version) {
        if (++txOrder > 100) {
            txOrder = 1;
            commitTs += stepMicros;
        }
        lsn += 40;
        List<Column> key = new ArrayList<>(List.of(new Column("id", "bigint", id)));
        List<Column> image = image(id, version);
        return ChangeEvent.newBuilder().setTenant(TENANT).setSource("bench").setTable(TABLE).setOp(op)
                .setCommitTsMicros(commitTs).setLsn(lsn).setTxId(lsn / 4000).setTxOrder(txOrder)
                .setKey(key).setBefore(op == Op.DELETE ? image : null).setAfter(op == Op.DELETE ? null : image)
                .setEventId(lsn + ":" + txOrder).setCheckpoint(null).build();
    }

    static List<Column> image(long id, int version) {
        List<Column> c = new ArrayList<>(8);
        c.add(new Column("id", "bigint", id));
        c.add(new Column("tenant_id", "text", TENANT));
        c.add(new Column("name", "text", name(id, version)));
        c.add(new Column("qty", "integer", qty(id, version)));
        c.add(new Column("price", "double precision", price(id, version)));
        c.add(new Column("created", "timestamp with time zone", created(id, version)));
        c.add(new Column("active", "boolean", active(id, version)));
        c.add(new Column("note", "text", note(id, version)));
        return c;
    }

    static String name(long id, int version) {
        return "item-" + id + "-v" + version;
    }

    static long qty(long id, int version) {
        return (id * 7 + version) % 1000;
    }

    static double price(long id, int version) {
        return (id % 10_000) / 100.0 + version;
    }

    static long created(long id, int version) {
        return CREATED_BASE + id * 1000 + version;
    }

    static boolean active(long id, int version) {
        return (id + version) % 2 == 0;
    }

    static String note(long id, int version) {
        return "note " + (id % 97) + " v" + version;
    }

    long startMicros() {
        return startMicros;
    }

    long rows() {
        return rows;
    }
}
