package dev.strata.schemas.kafka;

/**
 * Names of the headers that explain a parked record (values are UTF-8 text). Kept as plain names
 * so that the contracts module stays free of a Kafka dependency.
 */
public final class DeadLetterHeaders {
    public static final String REASON = "strata.dlq.reason";
    public static final String DETAIL = "strata.dlq.detail";
    public static final String TENANT = "strata.dlq.tenant";
    public static final String SOURCE_TOPIC = "strata.dlq.source.topic";
    public static final String SOURCE_PARTITION = "strata.dlq.source.partition";
    public static final String SOURCE_OFFSET = "strata.dlq.source.offset";
    public static final String PARKED_AT_MILLIS = "strata.dlq.parked.at.ms";
    /** What the record's value is: capture's {@code debezium-json}, {@value #FORMAT_BY_REFERENCE}; absent: the original bytes. */
    public static final String FORMAT = "strata.dlq.format";
    /** The value is not there, only a description of it (reason VALUE_TOO_LARGE): nothing to re-drive. */
    public static final String FORMAT_BY_REFERENCE = "by-reference";
    /** Where a change capture parked came from: {@code schema.table} and the LSN of the change. */
    public static final String TABLE = "strata.dlq.table";
    public static final String LSN = "strata.dlq.lsn";
    /** A record parked by reference: the row's key (as text), its largest column and sizes in bytes. */
    public static final String KEY = "strata.dlq.key";
    public static final String COLUMN = "strata.dlq.column";
    public static final String COLUMN_BYTES = "strata.dlq.column.bytes";
    public static final String EVENT_BYTES = "strata.dlq.event.bytes";
    public static final String LIMIT_BYTES = "strata.dlq.limit.bytes";
    /** The change's commit time when the value is not a ChangeEvent that says it (capture's records). */
    public static final String COMMIT_TS_MICROS = "strata.dlq.commit.ts.us";
    /**
     * On a re-injected record (not a parked one): where in the dead-letter topic it was parked, as
     * {@code topic/partition/offset}. The router waits a moment for a redriven tenant's placement.
     */
    public static final String REDRIVEN_FROM = "strata.redriven.from";

    private DeadLetterHeaders() {
    }
}
