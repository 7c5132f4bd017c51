package dev.strata.capture;

import dev.strata.schemas.kafka.DeadLetterHeaders;
import dev.strata.schemas.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.json.JsonConverterConfig;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Parks a change capture cannot back up in {@code strata.dlq}: the Debezium record as JSON (its key
 * and its whole envelope, before and after as Debezium saw them), the reason and where it came
 * from in headers. The value is not a ChangeEvent: an operator fixes the cause (a tenant column,
 * REPLICA IDENTITY FULL) and replays the rows; a redrive into strata.changes would not decode.
 */
final class DeadLetters {
    /** Header names capture adds to {@link DeadLetterHeaders}'s (values UTF-8 text). */
    static final String TABLE = DeadLetterHeaders.TABLE;
    static final String LSN = DeadLetterHeaders.LSN;
    static final String COMMIT_TS_MICROS = DeadLetterHeaders.COMMIT_TS_MICROS;
    static final String TX_ID = "strata.dlq.tx.id";
    static final String OP = "strata.dlq.op";
    static final String CAPTURE_SOURCE = "strata.dlq.capture.source";
    static final String FORMAT = DeadLetterHeaders.FORMAT;
    static final String FORMAT_DEBEZIUM_JSON = "debezium-json";

    private final String source;
    private final Clock clock;
    private final JsonConverter keys = new JsonConverter();
    private final JsonConverter values = new JsonConverter();

    DeadLetters(String source, Clock clock) {
        this.source = source;
        this.clock = clock;
        keys.configure(Map.of(JsonConverterConfig.SCHEMAS_ENABLE_CONFIG, "false"), true);
        values.configure(Map.of(JsonConverterConfig.SCHEMAS_ENABLE_CONFIG, "false"), false);
    }

    ProducerRecord<byte[], byte[]> park(SourceRecord record, ChangeConverter.DeadLetter letter) {
        RecordHeaders headers = headers(letter, FORMAT_DEBEZIUM_JSON);
        byte[] value = values.fromConnectData(record.topic(), record.valueSchema(), record.value());
        return new ProducerRecord<>(Topics.DEAD_LETTERS, null, keyJson(record), value, headers);
    }

    /** The Debezium key as JSON, or null for a keyless table. */
    byte[] keyJson(SourceRecord record) {
        return record.key() == null ? null : keys.fromConnectData(record.topic(), record.keySchema(), record.key());
    }

    /**
     * A change too large to carry, parked by reference: the headers and a small JSON value say which
     * change it is and how large; the values themselves are NOT in the record (they are what did not fit).
     *
     * @param key the Kafka key the change would have had (its tenant), or null
     */
    ProducerRecord<byte[], byte[]> parkByReference(byte[] key, OversizeChange change) {
        ChangeConverter.DeadLetter letter = change.asDeadLetter();
        RecordHeaders headers = headers(letter, DeadLetterHeaders.FORMAT_BY_REFERENCE);
        add(headers, DeadLetterHeaders.KEY, change.key());
        add(headers, DeadLetterHeaders.COLUMN, change.column());
        add(headers, DeadLetterHeaders.COLUMN_BYTES, Long.toString(change.columnBytes()));
        add(headers, DeadLetterHeaders.EVENT_BYTES, Long.toString(change.eventBytes()));
        add(headers, DeadLetterHeaders.LIMIT_BYTES, Long.toString(change.limitBytes()));
        byte[] value = values.fromConnectData(Topics.DEAD_LETTERS, null, change.summary());
        return new ProducerRecord<>(Topics.DEAD_LETTERS, null, key, value, headers);
    }

    private RecordHeaders headers(ChangeConverter.DeadLetter letter, String format) {
        RecordHeaders headers = new RecordHeaders();
        add(headers, DeadLetterHeaders.REASON, letter.reason().name());
        add(headers, DeadLetterHeaders.DETAIL, letter.detail());
        if (letter.tenant() != null) {
            add(headers, DeadLetterHeaders.TENANT, letter.tenant());
        }
        add(headers, DeadLetterHeaders.PARKED_AT_MILLIS, Long.toString(clock.millis()));
        add(headers, TABLE, letter.table());
        add(headers, LSN, Long.toString(letter.lsn()));
        add(headers, COMMIT_TS_MICROS, Long.toString(letter.commitTsMicros()));
        add(headers, TX_ID, Long.toString(letter.txId()));
        add(headers, OP, letter.op());
        add(headers, CAPTURE_SOURCE, source);
        add(headers, FORMAT, format);
        return headers;
    }

    private static void add(RecordHeaders headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
