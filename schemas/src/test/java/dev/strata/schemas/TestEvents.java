package dev.strata.schemas;

import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Checkpoint;
import dev.strata.schemas.avro.Column;
import dev.strata.schemas.avro.Op;
import dev.strata.schemas.avro.TableCheckpoint;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Change events for tests: realistic shapes, every value type of the column union. */
public final class TestEvents {

    private TestEvents() {
    }

    public static ChangeEvent update(String tenant, long lsn, long commitTsMicros) {
        return ChangeEvent.newBuilder()
                .setTenant(tenant)
                .setSource("app-db")
                .setTable("public.orders")
                .setOp(Op.UPDATE)
                .setCommitTsMicros(commitTsMicros)
                .setLsn(lsn)
                .setTxId(lsn / 10)
                .setTxOrder(lsn % 10)
                .setKey(List.of(column("id", "bigint", lsn)))
                .setBefore(List.of(column("id", "bigint", lsn), column("total", "numeric(12,2)", "10.50")))
                .setAfter(mutable(column("id", "bigint", lsn), column("total", "numeric(12,2)", "12.75"),
                        column("paid", "boolean", true), column("ratio", "double precision", 0.25),
                        column("blob", "bytea", ByteBuffer.wrap(new byte[] {0, 1, (byte) 0xff})),
                        column("note", "text", null)))
                .setEventId(lsn + ":" + (lsn % 10))
                .build();
    }

    public static ChangeEvent checkpoint(String tenant, long lsn, long commitTsMicros) {
        return ChangeEvent.newBuilder()
                .setTenant(tenant)
                .setSource("app-db")
                .setTable("")
                .setOp(Op.CHECKPOINT)
                .setCommitTsMicros(commitTsMicros)
                .setLsn(lsn)
                .setTxId(0)
                .setTxOrder(0)
                .setEventId("checkpoint:" + lsn)
                .setCheckpoint(Checkpoint.newBuilder()
                        .setSnapshot("100:105:101,103")
                        .setTables(List.of(new TableCheckpoint("public.orders", 42L, "9f86d081884c7d65")))
                        .build())
                .build();
    }

    /** A heartbeat as capture publishes it: no table, no columns, the message's commit time and LSN. */
    public static ChangeEvent heartbeat(String tenant, long lsn, long commitTsMicros) {
        return ChangeEvent.newBuilder()
                .setTenant(tenant)
                .setSource("app-db")
                .setTable("strata.heartbeat")
                .setOp(Op.HEARTBEAT)
                .setCommitTsMicros(commitTsMicros)
                .setLsn(lsn)
                .setTxId(0)
                .setTxOrder(0)
                .setEventId("hb:" + lsn + ":" + tenant)
                .build();
    }

    /** {@code count} updates with increasing LSN and commit time, randomised values. */
    public static List<ChangeEvent> randomUpdates(String tenant, int count, long seed) {
        Random random = new Random(seed);
        List<ChangeEvent> events = new ArrayList<>();
        long lsn = 1_000_000L + random.nextInt(1000);
        long ts = 1_795_000_000_000_000L + random.nextInt(1_000_000);
        for (int i = 0; i < count; i++) {
            lsn += 1 + random.nextInt(100);
            ts += random.nextInt(5000);
            ChangeEvent e = update(tenant, lsn, ts);
            e.getAfter().set(1, column("total", "numeric(12,2)", random.nextInt(100_000) + "." + random.nextInt(100)));
            events.add(e);
        }
        return events;
    }

    private static List<Column> mutable(Column... columns) {
        return new ArrayList<>(List.of(columns));
    }

    public static Column column(String name, String pgType, Object value) {
        return new Column(name, pgType, value);
    }
}
