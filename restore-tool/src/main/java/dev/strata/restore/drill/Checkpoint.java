package dev.strata.restore.drill;

import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.avro.TableCheckpoint;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A tenant's checkpoint as found in its log: when it was taken (the database clock, the same clock
 * as commit times), in which snapshot, and the expected rows and checksum per table.
 */
public record Checkpoint(long takenAtMicros, long lsn, String snapshot, Map<String, Expected> tables) {

    /** What the source held of one table of the tenant in the snapshot. */
    public record Expected(long rows, String checksum) {
    }

    public Checkpoint {
        tables = Map.copyOf(tables);
    }

    static Checkpoint of(ChangeEvent event) {
        Map<String, Expected> tables = new TreeMap<>();
        List<TableCheckpoint> listed = event.getCheckpoint().getTables();
        for (TableCheckpoint t : listed) {
            tables.put(t.getTable().toString(), new Expected(t.getRowCount(), t.getChecksum().toString()));
        }
        return new Checkpoint(event.getCommitTsMicros(), event.getLsn(), event.getCheckpoint().getSnapshot().toString(), tables);
    }

    /** Later checkpoints first: by time, then by position in the WAL. */
    boolean newerThan(Checkpoint other) {
        return other == null || takenAtMicros > other.takenAtMicros || (takenAtMicros == other.takenAtMicros && lsn > other.lsn);
    }
}
