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
    static final String TABLE = "strata.dlq.table";
    static final String LSN = "strata.dlq.lsn";
    static final String COMMIT_TS_MICROS = DeadLetterHeaders.COMMIT_TS_MICROS;
    static final String TX_ID = "strata.dlq.tx.id";
    static final String OP = "strata.dlq.op";
    static final String CAPTURE_SOURCE = "strata.dlq.capture.source";
    static final String FORMAT = "strata.dlq.format";
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
        add(headers, FORMAT, FORMAT_DEBEZIUM_JSON);
        byte[] key = record.key() == null ? null : keys.fromConnectData(record.topic(), record.keySchema(), record.key());
        byte[] value = values.fromConnectData(record.topic(), record.valueSchema(), record.value());
        return new ProducerRecord<>(Topics.DEAD_LETTERS, null, key, value, headers);
    }

    private static void add(RecordHeaders headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
