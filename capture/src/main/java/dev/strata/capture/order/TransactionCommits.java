package dev.strata.capture.order;

import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Op;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.connect.data.Struct;

/**
 * The COMMIT events of each transaction (ChangeEvent v5): one per tenant the transaction published
 * a change or a definition for, after them, carrying the transaction's OWN commit LSN, which a
 * restore to an LSN ({@code --until-lsn}, PostgreSQL's recovery_target_lsn) decides by. A
 * transaction that changed no tenant (a heartbeat, a checkpoint, the signal table) publishes none.
 *
 * <p>The LSN is the one in the offset of Debezium's transaction END record. Debezium sets it from
 * the XLogData header of pgoutput's commit message, which the walsender writes at
 * {@code txn->end_lsn}: the END of the commit record (where the next WAL record starts), not its
 * start. The same value becomes the next transaction's {@code previousCommitLsn}. Checked on the
 * real server with pg_walinspect ({@code MultiTenantWorkloadIT}).
 *
 * <p>pgoutput (not streaming) delivers one transaction at a time, BEGIN, its events, END, so one
 * open transaction is tracked. Owned by the engine's thread (the converter): not thread-safe.
 */
public final class TransactionCommits {
    /** The table a COMMIT event names: it is about the whole transaction, not one table. */
    public static final String TABLE = "strata.commit";
    private static final String END = "END";
    private static final String OFFSET_LSN = "lsn";

    private long txId = Long.MIN_VALUE;
    private final Set<String> tenants = new LinkedHashSet<>();
    private String source;
    private long commitMicros;
    private long cutMicros;
    private Long previousCommitLsn;

    /** An event capture publishes, in delivery order: a change or definition makes its tenant one the transaction changed. */
    public void published(ChangeEvent event) {
        Op op = event.getOp();
        if (op == Op.READ || op == Op.CHECKPOINT || op == Op.HEARTBEAT || op == Op.COMMIT || event.getTxId() < 0) {
            return;
        }
        if (event.getTxId() != txId) {
            tenants.clear();
            txId = event.getTxId();
        }
        tenants.add(event.getTenant());
        source = event.getSource();
        commitMicros = event.getCommitTsMicros();
        cutMicros = event.getCutTsMicros() == null ? commitMicros : event.getCutTsMicros();
        previousCommitLsn = event.getPreviousCommitLsn();
    }

    /**
     * A record of Debezium's transaction topic: for the END of the transaction whose events were
     * published, its COMMIT events; empty otherwise (BEGIN, or a transaction that changed no tenant).
     *
     * @param offset the record's source offset, which holds the commit LSN
     */
    public List<ChangeEvent> marker(Struct value, Map<String, ?> offset) {
        if (value == null || value.schema().field("status") == null || !END.equals(value.getString("status"))) {
            return List.of();
        }
        long ended = xid(value.getString("id"));
        if (ended != txId || tenants.isEmpty()) {
            return List.of();
        }
        Object lsn = offset == null ? null : offset.get(OFFSET_LSN);
        if (!(lsn instanceof Number commitLsn)) {
            throw new IllegalStateException("Debezium's END of transaction " + ended + " has no lsn in its offset " + offset
                    + ": this Debezium version is not supported; pin the version capture was built with");
        }
        long order = value.getInt64("event_count") + 1; // after every event of the transaction (total_order counts from 1)
        List<ChangeEvent> commits = new ArrayList<>(tenants.size());
        for (String tenant : tenants) {
            ChangeEvent commit = new ChangeEvent(tenant, source, TABLE, Op.COMMIT, commitMicros, commitLsn.longValue(), ended, order,
                    null, null, null, "c:" + commitLsn.longValue() + ":" + tenant, null, cutMicros, previousCommitLsn, null,
                    commitLsn.longValue());
            commits.add(commit);
        }
        tenants.clear();
        txId = Long.MIN_VALUE;
        return commits;
    }

    /** Debezium's transaction id is {@code <xid>:<lsn>} for PostgreSQL. */
    private static long xid(String id) {
        int colon = id == null ? -1 : id.indexOf(':');
        try {
            return Long.parseLong(colon < 0 ? String.valueOf(id) : id.substring(0, colon));
        } catch (NumberFormatException e) {
            throw new IllegalStateException("Debezium's transaction id '" + id + "' is not <xid>:<lsn>: a Debezium version capture"
                    + " does not know; pin the version capture was built with", e);
        }
    }
}
