package dev.strata.capture;

import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Column;
import dev.strata.schemas.kafka.DeadLetterReason;
import dev.strata.schemas.kafka.KafkaSizeLimits;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;

/**
 * A change whose event is larger than {@code strata.max.event.bytes}: which change it is (table,
 * key, LSN) and what made it large (its largest column and the sizes), never its values. Capture
 * parks it by reference in {@code strata.dlq} and goes on, so that one row cannot stall every
 * tenant's backup.
 *
 * @param key the row's key as text: the key columns, or Debezium's key JSON for a change that was
 *     to be parked already
 * @param column the largest column of the change (across its key, old and new row)
 * @param eventBytes what was measured against the limit: the encoded event, or the parked record
 * @param alsoParkedAs the reason it was parked for before it was found too large, or null
 */
record OversizeChange(String tenant, String table, String key, long lsn, long commitTsMicros, long txId, String op,
        String column, long columnBytes, long eventBytes, int limitBytes, DeadLetterReason alsoParkedAs) {

    static OversizeChange of(ChangeEvent event, long eventBytes, int limitBytes) {
        String column = "";
        long largest = -1;
        for (List<Column> columns : List.of(nonNull(event.getKey()), nonNull(event.getBefore()), nonNull(event.getAfter()))) {
            for (Column c : columns) {
                long size = sizeOf(c.getValue());
                if (size > largest) {
                    largest = size;
                    column = c.getName();
                }
            }
        }
        return new OversizeChange(event.getTenant(), event.getTable(), ChangeConverter.keyText(event.getKey()), event.getLsn(),
                event.getCommitTsMicros(), event.getTxId(), event.getOp().name(), column, Math.max(largest, 0), eventBytes,
                limitBytes, null);
    }

    /** A dead letter whose record (Debezium's JSON) is itself over the limit. */
    static OversizeChange of(ChangeConverter.DeadLetter letter, String keyJson, Struct value, long recordBytes, int limitBytes) {
        String column = "";
        long largest = -1;
        for (String side : List.of("before", "after")) {
            Struct row = value != null && value.schema().field(side) != null ? value.getStruct(side) : null;
            if (row == null) {
                continue;
            }
            for (Field field : row.schema().fields()) {
                long size = sizeOf(row.get(field));
                if (size > largest) {
                    largest = size;
                    column = field.name();
                }
            }
        }
        return new OversizeChange(letter.tenant(), letter.table(), keyJson, letter.lsn(), letter.commitTsMicros(), letter.txId(),
                letter.op(), column, Math.max(largest, 0), recordBytes, limitBytes, letter.reason());
    }

    /** What the operator reads: the size, the limit, the setting to raise; never a value. */
    String detail() {
        return (alsoParkedAs == null ? "" : "parked as " + alsoParkedAs + ", and ")
                + "the change of " + table + " key " + key + " at LSN " + lsn + " is " + eventBytes + " bytes (column " + column
                + " holds " + columnBytes + "), more than " + KafkaSizeLimits.MAX_EVENT_BYTES + "=" + limitBytes + ": parked by"
                + " reference, without its values. To back up such changes raise " + KafkaSizeLimits.MAX_EVENT_BYTES
                + " in capture, the router, the sinks and restore-tool alike, then write the row again (an UPDATE captures it whole)";
    }

    ChangeConverter.DeadLetter asDeadLetter() {
        return new ChangeConverter.DeadLetter(DeadLetterReason.VALUE_TOO_LARGE, detail(), tenant, table, lsn, commitTsMicros, txId, op);
    }

    /** The parked record's value: the same facts as its headers, as JSON. */
    Map<String, Object> summary() {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("reason", DeadLetterReason.VALUE_TOO_LARGE.name());
        if (tenant != null) {
            summary.put("tenant", tenant);
        }
        summary.put("table", table);
        summary.put("key", key);
        summary.put("lsn", lsn);
        summary.put("op", op);
        summary.put("column", column);
        summary.put("columnBytes", columnBytes);
        summary.put("eventBytes", eventBytes);
        summary.put("limitBytes", limitBytes);
        return summary;
    }

    private static List<Column> nonNull(List<Column> columns) {
        return columns == null ? List.of() : columns;
    }

    /** Bytes of a value as carried: raw bytes, or text as UTF-8; a scalar counts 8. */
    private static long sizeOf(Object value) {
        if (value instanceof ByteBuffer bytes) {
            return bytes.remaining();
        }
        if (value instanceof byte[] bytes) {
            return bytes.length;
        }
        if (value instanceof CharSequence text) {
            return utf8Length(text);
        }
        return value == null ? 0 : 8;
    }

    private static long utf8Length(CharSequence text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
