package dev.strata.capture;

import dev.strata.capture.ChangeConverter.Conversion;
import dev.strata.capture.ChangeConverter.DeadLetter;
import dev.strata.capture.ChangeConverter.Marker;
import dev.strata.capture.ChangeConverter.Publish;
import dev.strata.capture.checkpoint.CheckpointMessage;
import dev.strata.capture.checkpoint.CheckpointTaker;
import dev.strata.capture.ddl.DdlMessage;
import dev.strata.capture.heartbeat.HeartbeatMessage;
import dev.strata.capture.heartbeat.KnownTenants;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.kafka.DeadLetterReason;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.kafka.connect.data.Struct;

/**
 * The logical messages capture itself writes into the WAL (pg_logical_emit_message), as Debezium
 * delivers them: checkpoints, heartbeats and table definitions become their events; any other
 * message is not data.
 */
final class LogicalMessages {
    private final String source;
    private final KnownTenants known;
    /** Null when schema history is off: definitions are then not data. */
    private final DdlMessage definitions;

    LogicalMessages(String source, KnownTenants known, DdlMessage definitions) {
        this.source = source;
        this.known = known;
        this.definitions = definitions;
    }

    /**
     * A checkpoint written by {@link CheckpointTaker} becomes its CHECKPOINT events, a heartbeat its
     * HEARTBEAT events; any other message is not data.
     */
    Conversion convert(Struct value) {
        Struct message = value.getStruct("message");
        String prefix = message == null ? null : message.getString("prefix");
        if (HeartbeatMessage.PREFIX.equals(prefix)) {
            return heartbeat(value.getStruct("source"));
        }
        if (DdlMessage.PREFIX.equals(prefix) && definitions != null) {
            return definition(value.getStruct("source"), message.get("content"));
        }
        if (!CheckpointMessage.PREFIX.equals(prefix)) {
            return new Marker();
        }
        Struct sourceInfo = value.getStruct("source");
        long lsn = sourceInfo.getInt64("lsn");
        Object content = message.get("content");
        byte[] bytes = content instanceof ByteBuffer buffer ? ChangeConverter.copy(buffer) : (byte[]) content;
        try {
            return new Publish(CheckpointMessage.decode(bytes).events(source, lsn));
        } catch (IllegalArgumentException e) {
            Long at = sourceInfo.getInt64("ts_us"); // a non-transactional message may carry no commit time
            return new DeadLetter(DeadLetterReason.DECODE_ERROR, e.getMessage(), null, CheckpointMessage.TABLE, lsn,
                    at == null ? 0 : at, -1, ChangeConverter.LOGICAL_MESSAGE);
        }
    }

    /**
     * One HEARTBEAT per known tenant, or nothing when capture knows none yet. The message is
     * transactional, so it carries its transaction's commit time; without one it proves nothing.
     */
    private Conversion heartbeat(Struct sourceInfo) {
        Long commitMicros = sourceInfo.getInt64("ts_us");
        if (commitMicros == null) {
            return new Marker();
        }
        Long txId = sourceInfo.getInt64("txId");
        List<ChangeEvent> events = HeartbeatMessage.events(source, known.all(), sourceInfo.getInt64("lsn"), txId == null ? -1 : txId,
                commitMicros);
        return events.isEmpty() ? new Marker() : new Publish(events);
    }

    /** The DDL events of a table definition, one per tenant of the table; nothing for a table not captured. */
    private Conversion definition(Struct sourceInfo, Object content) {
        long lsn = sourceInfo.getInt64("lsn");
        Long commitMicros = sourceInfo.getInt64("ts_us");
        Long txId = sourceInfo.getInt64("txId");
        byte[] bytes = content instanceof ByteBuffer buffer ? ChangeConverter.copy(buffer) : (byte[]) content;
        try {
            List<ChangeEvent> events = definitions.events(bytes, lsn, txId == null ? -1 : txId, commitMicros == null ? 0 : commitMicros);
            return events.isEmpty() ? new Marker() : new Publish(events);
        } catch (IllegalArgumentException e) {
            return new DeadLetter(DeadLetterReason.DECODE_ERROR, e.getMessage(), null, DdlMessage.PREFIX, lsn,
                    commitMicros == null ? 0 : commitMicros, txId == null ? -1 : txId, ChangeConverter.LOGICAL_MESSAGE);
        }
    }
}
