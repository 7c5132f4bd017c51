package dev.strata.sink.segment;

import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Op;
import dev.strata.schemas.event.ChangeEventCodec;
import dev.strata.schemas.event.CutTime;
import java.util.Objects;

/**
 * One change event as the sink needs it: the few fields that route, name and order it (tenant,
 * whether it is a heartbeat, cut time, LSN), plus either its wire bytes in the current schema (copied into the segment
 * as they are, without a decode and re-encode) or the decoded event (an older schema, which the
 * segment's schema re-encodes). The full event is decoded only when asked for: once per segment,
 * for its sync marker.
 */
public final class EventView {
    /** The single-object encoding header: C3 01 and the 8-byte schema fingerprint. */
    static final int WIRE_HEADER = 10;

    private final String tenant;
    private final boolean heartbeat;
    private final long cutMicros;
    private final long lsn;
    private final byte[] wire;
    private final ChangeEventCodec codec;
    private ChangeEvent event;

    private EventView(String tenant, boolean heartbeat, long cutMicros, long lsn, byte[] wire, ChangeEventCodec codec,
            ChangeEvent event) {
        this.tenant = Objects.requireNonNull(tenant, "tenant");
        this.heartbeat = heartbeat;
        this.cutMicros = cutMicros;
        this.lsn = lsn;
        this.wire = wire;
        this.codec = codec;
        this.event = event;
    }

    /** Wire bytes whose body is a datum of the current ChangeEvent schema (checked by the caller). */
    static EventView ofCurrentWire(String tenant, boolean heartbeat, long cutMicros, long lsn, byte[] wire, ChangeEventCodec codec) {
        return new EventView(tenant, heartbeat, cutMicros, lsn, Objects.requireNonNull(wire, "wire"), codec, null);
    }

    public static EventView of(ChangeEvent event) {
        return new EventView(event.getTenant(), event.getOp() == Op.HEARTBEAT, CutTime.of(event), event.getLsn(), null, null,
                event);
    }

    public String tenant() {
        return tenant;
    }

    /** A HEARTBEAT: no data, never written into a segment; it only moves its tenant's durable point. */
    public boolean heartbeat() {
        return heartbeat;
    }

    /**
     * The event's {@link CutTime cut time}: what segments, watermarks and the durable point are
     * measured in, so that they agree with the restore's cut (never the commit time alone).
     */
    public long cutMicros() {
        return cutMicros;
    }

    public long lsn() {
        return lsn;
    }

    /** Whether {@link #wire()} holds a datum of the current schema after the header. */
    boolean hasCurrentWire() {
        return wire != null;
    }

    byte[] wire() {
        return wire;
    }

    public ChangeEvent event() {
        if (event == null) {
            event = codec.decode(wire);
        }
        return event;
    }
}
