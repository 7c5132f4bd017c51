package dev.strata.streams;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * Keeps the router's copy of {@code strata.tenants} (the global store the decider reads) as a global
 * table would, and signals {@link PlacementUpdates} after each change, so that a redriven change
 * waiting for its tenant's placement wakes when it arrives. At startup Kafka Streams restores the
 * store from the topic without this processor: nothing waits then.
 */
final class PlacementCopyUpdater implements Processor<String, String, Void, Void> {
    private final String storeName;
    private final PlacementUpdates updates;
    private TimestampedKeyValueStore<String, String> store;

    PlacementCopyUpdater(String storeName, PlacementUpdates updates) {
        this.storeName = storeName;
        this.updates = updates;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, String> record) {
        if (record.key() == null) {
            return;
        }
        if (record.value() == null) {
            store.delete(record.key());
        } else {
            store.put(record.key(), ValueAndTimestamp.make(record.value(), record.timestamp()));
        }
        updates.changed();
    }
}
