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
