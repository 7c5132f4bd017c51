package dev.strata.capture.envelope;

import java.util.IdentityHashMap;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;

/**
 * {@link EnvelopeFields} per value schema. Debezium builds one value schema per table version and
 * reuses that very object for every change of it, so the lookup is by identity. Not thread-safe:
 * one per engine thread.
 */
public final class EnvelopeSchemas {
    /** Schemas change with DDL only; past this many, the old ones are let go rather than kept forever. */
    static final int MAX_SCHEMAS = 4_096;

    private final Map<Schema, EnvelopeFields> bySchema = new IdentityHashMap<>();

    public EnvelopeFields of(Schema value) {
        EnvelopeFields fields = bySchema.get(value);
        if (fields == null) {
            if (bySchema.size() >= MAX_SCHEMAS) {
                bySchema.clear();
            }
            fields = new EnvelopeFields(value);
            bySchema.put(value, fields);
        }
        return fields;
    }
}
