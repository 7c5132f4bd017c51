package dev.strata.streams;

import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Column;
import dev.strata.schemas.avro.Op;
import dev.strata.schemas.event.ChangeEventCodec;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Encoded change events for router tests, as capture would write them. */
final class TestChanges {
    private static final ChangeEventCodec CODEC = new ChangeEventCodec();

    private TestChanges() {
    }

    static byte[] insert(String tenant, long lsn) {
        return CODEC.encode(ChangeEvent.newBuilder()
                .setTenant(tenant)
                .setSource("app")
                .setTable("public.orders")
                .setOp(Op.CREATE)
                .setCommitTsMicros(1_700_000_000_000_000L + lsn)
                .setLsn(lsn)
                .setTxId(lsn / 10)
                .setTxOrder(lsn % 10)
                .setKey(List.of(new Column("id", "bigint", lsn)))
                .setBefore(null)
                .setAfter(List.of(new Column("id", "bigint", lsn), new Column("tenant_id", "text", tenant)))
                .setEventId(lsn + ":" + (lsn % 10))
                .build());
    }

    /** A HEARTBEAT as capture writes it: no table's row, the message's commit time and LSN. */
    static byte[] heartbeat(String tenant, long lsn) {
        return CODEC.encode(ChangeEvent.newBuilder()
                .setTenant(tenant)
                .setSource("app")
                .setTable("strata.heartbeat")
                .setOp(Op.HEARTBEAT)
                .setCommitTsMicros(1_700_000_000_000_000L + lsn)
                .setLsn(lsn)
                .setTxId(lsn / 10)
                .setTxOrder(0)
                .setEventId("hb:" + lsn + ":" + tenant)
                .build());
    }

    static byte[] key(String tenant) {
        return tenant.getBytes(StandardCharsets.UTF_8);
    }
}
