package dev.strata.capture.heartbeat;

import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Op;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A heartbeat as it travels through the source's WAL: a TRANSACTIONAL logical decoding message
 * with prefix {@value #PREFIX} and no content, in a transaction of its own. Transactional on
 * purpose: it then has a commit record and a commit time, and Debezium delivers it in commit order,
 * behind every transaction whose commit record precedes it. Capture turns it into one HEARTBEAT
 * event per known tenant, keyed by the tenant, so each lands in its tenant's partition behind the
 * tenant's earlier changes; once a sink has made everything before it durable, the tenant's durable
 * point moves up to it, whether the tenant changed meanwhile or not.
 */
public final class HeartbeatMessage {
    public static final String PREFIX = "strata.heartbeat";
    /** The table a HEARTBEAT event names: it is about all of the tenant's tables, not one. */
    public static final String TABLE = "strata.heartbeat";
    static final String EMIT_SQL = "SELECT pg_logical_emit_message(true, '" + PREFIX + "', '')";

    private HeartbeatMessage() {
    }

    /**
     * One HEARTBEAT event per tenant. The eventId {@code hb:<message lsn>:<tenant>} comes out the
     * same when Debezium delivers the message again; the txOrder orders the tenants of one message.
     *
     * @param commitMicros the commit time of the message's transaction
     */
    public static List<ChangeEvent> events(String source, Collection<String> tenants, long lsn, long txId, long commitMicros) {
        List<ChangeEvent> events = new ArrayList<>(tenants.size());
        long order = 0;
        for (String tenant : tenants) {
            events.add(new ChangeEvent(tenant, source, TABLE, Op.HEARTBEAT, commitMicros, lsn, txId, order++, null, null, null,
                    "hb:" + lsn + ":" + tenant, null, null, null, null, null));
        }
        return events;
    }
}
