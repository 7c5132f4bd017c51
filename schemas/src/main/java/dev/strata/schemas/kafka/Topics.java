package dev.strata.schemas.kafka;

import java.util.regex.Pattern;

/** The Kafka topics every Strata service agrees on (DESIGN.md section 4). */
public final class Topics {
    /** Capture output: key tenant, value a single-object encoded ChangeEvent. */
    public static final String CHANGES = "strata.changes";
    /** Compacted placement directory: key tenant, value regime name. */
    public static final String TENANTS = "strata.tenants";
    /** Parked records: original key and bytes, the reason in headers; retained forever. */
    public static final String DEAD_LETTERS = "strata.dlq";
    /**
     * Compacted: how far each reason's redrive has got in {@link #DEAD_LETTERS}, per partition (written in the
     * redrive's own transaction). A parked record before that position was re-injected or parked again.
     */
    public static final String DEAD_LETTERS_REDRIVEN = "strata.dlq.redriven";
    /** Compacted: per tenant, the last commit time durable in both regions. */
    public static final String WATERMARKS = "strata.watermarks";

    private static final String ROUTED_PREFIX = "strata.routed.";
    private static final Pattern REGIME = Pattern.compile("[a-z0-9-]{1,32}");

    private Topics() {
    }

    /** The topic that carries the changes of tenants placed in {@code regime}. */
    public static String routed(String regime) {
        return ROUTED_PREFIX + requireRegimeName(regime);
    }

    /** A regime name is part of topic and config names, so it is kept short and plain. */
    public static String requireRegimeName(String regime) {
        if (regime == null || !REGIME.matcher(regime).matches()) {
            throw new IllegalArgumentException("invalid regime name '" + regime
                    + "': use 1-32 lower-case letters, digits or '-' (for example 'eu' or 'us')");
        }
        return regime;
    }
}
