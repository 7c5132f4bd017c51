package dev.strata.capture;

import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.kafka.DeadLetterReason;

/** Told what Kafka acknowledged, in order, after each batch: metrics, and the benchmark's clock. */
interface DeliveryListener {
    /** @param ackedAtMicros when the producer saw the acknowledgement, by the injected clock */
    void published(ChangeEvent event, long ackedAtMicros);

    void parked(DeadLetterReason reason);

    /** A heartbeat was processed: nothing older than {@code atMillis} is waiting. */
    void heartbeat(long atMillis);

    /**
     * Called once, when the first record Debezium emitted after its initial snapshot is processed:
     * every row of the snapshot is in Kafka and changes now stream from the slot.
     */
    default void streaming() {
    }

    /** An incremental snapshot began reading {@code table} (see {@link IncrementalSnapshotProgress}). */
    default void incrementalSnapshotStarted(String table) {
    }

    /** Every row of {@code table}'s incremental snapshot is in Kafka. */
    default void incrementalSnapshotCompleted(String table, long rows) {
    }

    DeliveryListener NONE = new DeliveryListener() {
        @Override
        public void published(ChangeEvent event, long ackedAtMicros) {
        }

        @Override
        public void parked(DeadLetterReason reason) {
        }

        @Override
        public void heartbeat(long atMillis) {
        }
    };

    static DeliveryListener both(DeliveryListener first, DeliveryListener second) {
        return new DeliveryListener() {
            @Override
            public void published(ChangeEvent event, long ackedAtMicros) {
                first.published(event, ackedAtMicros);
                second.published(event, ackedAtMicros);
            }

            @Override
            public void parked(DeadLetterReason reason) {
                first.parked(reason);
                second.parked(reason);
            }

            @Override
            public void heartbeat(long atMillis) {
                first.heartbeat(atMillis);
                second.heartbeat(atMillis);
            }

            @Override
            public void streaming() {
                first.streaming();
                second.streaming();
            }

            @Override
            public void incrementalSnapshotStarted(String table) {
                first.incrementalSnapshotStarted(table);
                second.incrementalSnapshotStarted(table);
            }

            @Override
            public void incrementalSnapshotCompleted(String table, long rows) {
                first.incrementalSnapshotCompleted(table, rows);
                second.incrementalSnapshotCompleted(table, rows);
            }
        };
    }
}
