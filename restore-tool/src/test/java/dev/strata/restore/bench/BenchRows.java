package dev.strata.restore.bench;

import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Column;
import dev.strata.schemas.avro.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The benchmark's table and its change log: every surviving row is inserted, then updates cycle
 * over the surviving keys until the log holds the events asked for, and one row in twenty more is
 * inserted and deleted at the end. By default there are two updates per row (about three events
 * per surviving row). A row's values are a pure function of (id, version) and a row's final
 * version a pure function of its id, so the final rows can be rebuilt without the log.
 */
final class BenchRows {
    static final String TENANT = "bench";
    static final String TABLE = "public.items";
    static final String DDL = "CREATE TABLE public.items (id bigint NOT NULL, tenant_id text, name text, qty integer,"
            + " price double precision, created timestamptz, active boolean, note text)";
    static final long CREATED_BASE = 1_790_000_000_000_000L;
    private static final long FIRST_LSN = 0x10000000L;

    private final long rows;
    private final long doomed;
    private final long updates;
    private final long startMicros;
    private final long stepMicros;
    private long lsn;
    private long txOrder;
    private long commitTs;

    /** Two updates per surviving row. */
    BenchRows(long rows, long startMicros, long spanMicros) {
        this(rows, 3 * rows + 2 * (rows / 20), startMicros, spanMicros);
    }

    /** {@code events} in all: the inserts, the deletes of the doomed rows, and updates for the rest. */
    BenchRows(long rows, long events, long startMicros, long spanMicros) {
        this.rows = rows;
        this.doomed = rows / 20;
        this.updates = events - rows - 2 * doomed;
        if (rows <= 0 || updates < 0) {
            throw new IllegalArgumentException(events + " events cannot hold " + rows + " surviving rows: at least "
                    + (rows + 2 * doomed) + " are needed (inserts and the deletes of one row in twenty more)");
        }
        this.startMicros = startMicros;
        this.stepMicros = Math.max(1, spanMicros / Math.max(1, events() / 100));
    }

    long events() {
        return rows + updates + 2 * doomed;
    }

    /** The version a surviving row ends at: how many of the cycling updates reached it. */
    int finalVersion(long id) {
        return Math.toIntExact(updates / rows + (id < updates % rows ? 1 : 0));
    }

    /** The commit time of the {@code index}-th event (from 0): transactions of 100 changes, {@code stepMicros} apart. */
    long commitMicrosOf(long index) {
        return startMicros + (index / 100) * stepMicros;
    }

    /** Every event in commit order, in transactions of 100 changes; the same events on every call (the JSON size peer reads them again). */
    void forEach(Consumer<ChangeEvent> out) {
        lsn = FIRST_LSN;
        txOrder = 0;
        commitTs = startMicros;
        for (long id = 0; id < rows + doomed; id++) {
            out.accept(change(Op.CREATE, id, 0));
        }
        for (long update = 0; update < updates; update++) {
            out.accept(change(Op.UPDATE, update % rows, Math.toIntExact(update / rows + 1)));
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
