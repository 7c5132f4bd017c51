package dev.strata.capture;

import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.Op;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which table Debezium's incremental snapshot reads, told from the offsets of the records Kafka
 * acknowledged: while it runs, every record's offset lists the tables still to read, the one being
 * read first. A table has started when it first heads that list and ended when another table heads it
 * or the list is gone; since records are acknowledged in order, "ended" means every row of it is in
 * Kafka. Logs both and tells the listener (metrics). Only the engine's thread calls it.
 */
final class IncrementalSnapshotProgress {
    private static final Logger LOG = LoggerFactory.getLogger(IncrementalSnapshotProgress.class);
    /** Debezium's offset key: a JSON list of the tables still to snapshot, each {"incremental_snapshot_collections_id": ...}. */
    static final String COLLECTIONS_KEY = "incremental_snapshot_collections";
    private static final Pattern FIRST_TABLE = Pattern.compile("\"" + COLLECTIONS_KEY + "_id\"\\s*:\\s*\"([^\"]*)\"");

    private final String name;
    private final DeliveryListener listener;
    private String current;
    private long rows;

    IncrementalSnapshotProgress(String name, DeliveryListener listener) {
        this.name = name;
        this.listener = listener;
    }

    /** One record Kafka acknowledged, with the events published for it. */
    void acknowledged(Map<String, ?> offset, List<ChangeEvent> published) {
        String reading = tableBeingRead(offset);
        if (!Objects.equals(reading, current)) {
            if (current != null) {
                LOG.info("capture {}: incremental snapshot of {} completed, {} rows in Kafka", name, current, rows);
                listener.incrementalSnapshotCompleted(current, rows);
            }
            if (reading != null) {
                LOG.info("capture {}: incremental snapshot of {} started (its existing rows, as READ events, while changes stream)",
                        name, reading);
                listener.incrementalSnapshotStarted(reading);
            }
            current = reading;
            rows = 0;
        }
        for (ChangeEvent event : published) {
            if (event.getOp() == Op.READ && event.getTable().equals(current)) {
                rows++;
            }
        }
    }

    /** The table at the head of the offset's list, or null when no incremental snapshot runs. */
    static String tableBeingRead(Map<String, ?> offset) {
        Object collections = offset == null ? null : offset.get(COLLECTIONS_KEY);
        if (collections == null) {
            return null;
        }
        Matcher first = FIRST_TABLE.matcher(collections.toString());
        return first.find() ? first.group(1) : null;
    }
}
