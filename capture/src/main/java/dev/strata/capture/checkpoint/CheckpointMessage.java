package dev.strata.capture.checkpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Checkpoint;
import dev.strata.schemas.avro.Op;
import dev.strata.schemas.avro.TableCheckpoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A checkpoint as it travels through the source's WAL: a non-transactional logical decoding message
 * with prefix {@value #PREFIX}, written right after the snapshot it describes. The WAL is the
 * channel on purpose: Debezium delivers the message after every transaction that committed before
 * it, in order, so each tenant's CHECKPOINT event reaches Kafka behind every change visible in its
 * snapshot (a drill that finds the checkpoint durable finds those changes durable too), and it is
 * published and acknowledged under the same offset rules as any change.
 *
 * @param snapshot {@code pg_current_snapshot()} of the counting transaction
 * @param takenAtMicros the database clock right after the snapshot: every visible transaction
 *     committed at or before it, measured by the same clock as the commit times of the changes
 * @param tenants tenant to its tables, each with the tenant's row count and checksum
 */
public record CheckpointMessage(String snapshot, long takenAtMicros, Map<String, List<TableCount>> tenants) {
    public static final String PREFIX = "strata.checkpoint";
    /** The table a CHECKPOINT event names: it is about all of the tenant's tables, not one. */
    public static final String TABLE = "strata.checkpoint";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One table of one tenant in the snapshot. */
    record TableCount(String table, long rows, String checksum) {
    }

    public CheckpointMessage {
        tenants = new TreeMap<>(tenants);
    }

    byte[] encode() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a checkpoint: " + e.getMessage(), e);
        }
    }

    public static CheckpointMessage decode(byte[] content) {
        try {
            return JSON.readValue(content, CheckpointMessage.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("logical message " + PREFIX + " is not a checkpoint: "
                    + new String(content, 0, Math.min(content.length, 80), StandardCharsets.UTF_8), e);
        }
    }

    /**
     * One CHECKPOINT event per tenant. The eventId {@code cp:<message lsn>:<tenant>} comes out the
     * same when Debezium delivers the message again; the txOrder orders the tenants of one message.
     */
    public List<ChangeEvent> events(String source, long lsn) {
        List<ChangeEvent> events = new ArrayList<>(tenants.size());
        long order = 0;
        for (Map.Entry<String, List<TableCount>> tenant : tenants.entrySet()) {
            List<TableCheckpoint> tables = tenant.getValue().stream()
                    .map(t -> new TableCheckpoint(t.table(), t.rows(), t.checksum())).toList();
            events.add(new ChangeEvent(tenant.getKey(), source, TABLE, Op.CHECKPOINT, takenAtMicros, lsn, -1L, order++,
                    null, null, null, "cp:" + lsn + ":" + tenant.getKey(), new Checkpoint(snapshot, new ArrayList<>(tables)), null, null, null, null));
        }
        return events;
    }
}
