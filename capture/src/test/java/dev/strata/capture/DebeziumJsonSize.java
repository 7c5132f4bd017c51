package dev.strata.capture;

import dev.strata.local.LocalPostgres;
import dev.strata.schemas.avro.ChangeEvent;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.json.JsonConverterConfig;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Issue 18's size peer: the bytes of change events as the envelope Debezium's PostgreSQL connector
 * would have produced for the same changes ({@link DebeziumEnvelopes}), key and value through Kafka
 * Connect's JsonConverter with schemas.enable true and false, as the JSON peer of {@code bench/capture}
 * measures its own. The benches of the sink and the restore print it beside their bytes stored per event.
 */
public final class DebeziumJsonSize implements AutoCloseable {
    private final DebeziumEnvelopes envelopes;
    private final JsonConverter[] withSchemas = {converter(true, true), converter(true, false)};
    private final JsonConverter[] withoutSchemas = {converter(false, true), converter(false, false)};
    private long events;
    private long bytesWithSchemas;
    private long bytesWithoutSchemas;

    /** The average key + value bytes of the events sized. */
    public record Sizes(long events, double withSchemas, double withoutSchemas) {
        /** For the benches' lines: both sizes, what they are and what was approximated. */
        public String describe() {
            return String.format(Locale.ROOT, "the same events as Debezium's JSON envelope: %.1f bytes with schemas, %.1f without"
                    + " (key + value by JsonConverter, capture's Debezium settings, %,d events sampled; source block and ts_ms"
                    + " approximated from each event)", withSchemas, withoutSchemas, events);
        }
    }

    private DebeziumJsonSize(DebeziumEnvelopes envelopes) {
        this.envelopes = envelopes;
    }

    /** Sizes events against their tables made in a new scratch database {@code database} of {@code pg}. */
    public static DebeziumJsonSize open(LocalPostgres pg, String database) {
        pg.createDatabase(database);
        return new DebeziumJsonSize(new DebeziumEnvelopes(pg, database));
    }

    /** Every {@code stride}-th of {@code total} events spreads about {@code sample} of them over the run (all of them if fewer). */
    public static long stride(long total, int sample) {
        return Math.max(1, total / sample);
    }

    /** Adds one event's sizes; an event that is no row change (a heartbeat, checkpoint, DDL or commit) has no envelope: skipped. */
    public void add(ChangeEvent event) {
        if (!DebeziumEnvelopes.isRowChange(event)) {
            return;
        }
        SourceRecord record = envelopes.record(event);
        bytesWithSchemas += bytes(withSchemas, record);
        bytesWithoutSchemas += bytes(withoutSchemas, record);
        events++;
    }

    public Sizes sizes() {
        if (events == 0) {
            throw new IllegalStateException("no row change was sized: add a sample of the bench's events first");
        }
        return new Sizes(events, (double) bytesWithSchemas / events, (double) bytesWithoutSchemas / events);
    }

    /** The key and the value of {@code record} as JsonConverter writes them. */
    static byte[][] json(SourceRecord record, boolean schemas) {
        return json(new JsonConverter[] {converter(schemas, true), converter(schemas, false)}, record);
    }

    private static long bytes(JsonConverter[] keyAndValue, SourceRecord record) {
        byte[][] json = json(keyAndValue, record);
        return json[0].length + json[1].length;
    }

    private static byte[][] json(JsonConverter[] keyAndValue, SourceRecord record) {
        return new byte[][] {keyAndValue[0].fromConnectData(record.topic(), record.keySchema(), record.key()),
                keyAndValue[1].fromConnectData(record.topic(), record.valueSchema(), record.value())};
    }

    private static JsonConverter converter(boolean schemas, boolean isKey) {
        JsonConverter converter = new JsonConverter();
        converter.configure(Map.of(JsonConverterConfig.SCHEMAS_ENABLE_CONFIG, Boolean.toString(schemas)), isKey);
        return converter;
    }

    /** Debezium's record of {@code event}, for the tests. */
    SourceRecord record(ChangeEvent event) {
        return envelopes.record(event);
    }

    @Override
    public void close() {
        envelopes.close();
    }
}
