package dev.strata.schemas.fold;

import dev.strata.schemas.ddl.TableDefinition;
import dev.strata.schemas.fold.bytes.ByteReader;
import dev.strata.schemas.fold.definition.ColumnIdentity;
import dev.strata.schemas.fold.definition.DefinitionHistory;
import dev.strata.schemas.fold.definition.DefinitionTimeline;
import dev.strata.schemas.fold.drain.RowValueSink;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns folded rows back into values, laid out in the table's final shape. With table definitions
 * in the log ({@link DefinitionHistory}) columns are followed by attnum and a row written before an
 * ADD COLUMN gets the column's missing value ({@link ColumnIdentity}); without, by name: such a row
 * gets null for the new column, and a dropped column is left out. Values are null, Boolean, Long, Double, String or byte[];
 * a value an UPDATE did not carry is the one the fold found in an older version ({@link CarriedValues}).
 * Not thread-safe.
 */
public final class RowDecoder {
    private final ShapeCatalog catalog;
    private final DefinitionHistory definitions;
    private final ColumnIdentity identities = new ColumnIdentity();
    /** Per table id, its definitions frozen at the first row (the fold is complete when rows are decoded); absent: none. */
    private final Map<Integer, DefinitionTimeline> timelines = new HashMap<>();
    private final java.util.Set<Integer> undefinedTables = new java.util.HashSet<>();
    private static final int EXAMPLES = 5;
    private final Map<Long, int[]> layouts = new HashMap<>();
    private final List<String> examples = new ArrayList<>();
    private long unresolvedRows;
    private int lastTableId = -1;
    private DefinitionTimeline lastTimeline;

    public RowDecoder(ShapeCatalog catalog) {
        this(catalog, new DefinitionHistory());
    }

    /** @param definitions the table definitions folded up to the restore point; a table with none is read by name */
    public RowDecoder(ShapeCatalog catalog, DefinitionHistory definitions) {
        this.catalog = catalog;
        this.definitions = definitions;
    }

    /** The row held in a fold version, in the columns of shape {@code finalShapeId}. */
    public Object[] row(byte[] version, int finalShapeId) {
        return row(null, version, finalShapeId);
    }

    /**
     * The same, counting a value that no version in the backup holds (an unchanged TOAST value whose
     * row was last written before the backup began): it comes out NULL, and {@link #unresolved}
     * names the row by table and {@code key}.
     */
    public Object[] row(byte[] key, byte[] version, int finalShapeId) {
        return row(key, version, finalShapeId, null);
    }

    /**
     * The same, with the string values of the columns {@code utf8Text} flags (by index in the final
     * shape; null: none) as their UTF-8 bytes, a byte[]: for a target that writes text as UTF-8 (a
     * binary COPY), which then neither decodes nor encodes it (JFR: 40% of a binary COPY's load thread).
     */
    public Object[] row(byte[] key, byte[] version, int finalShapeId, boolean[] utf8Text) {
        ByteReader in = new ByteReader(version, KeyedVersions.HEADER);
        int shapeId = (int) in.readVarLong();
        int count = (int) in.readVarLong();
        TableShape target = catalog.shape(finalShapeId);
        Object[] values = new Object[target.columns().size()];
        int tableId = catalog.tableOfShape(finalShapeId);
        DefinitionTimeline timeline = timeline(tableId);
        ColumnIdentity.Layout defined = timeline != null ? definedLayout(tableId, timeline, version, shapeId) : null;
        int[] layout = defined != null ? defined.map() : shapeId == finalShapeId ? null : layout(shapeId, finalShapeId);
        List<String> missing = null;
        for (int i = 0; i < count; i++) {
            int tag = in.peek();
            Object value = null;
            int to = layout == null ? i : layout[i];
            if (tag == RowCodec.UNCHANGED) {
                in.read();
                missing = missing == null ? new ArrayList<>() : missing;
                missing.add(catalog.shape(shapeId).columns().get(i));
            } else {
                if (tag == RowCodec.CARRIED) {
                    in.skip(RowCodec.CARRIED_HEADER);
                }
                value = RowCodec.readValue(in, utf8Text != null && to >= 0 && utf8Text[to]);
            }
            if (to >= 0) {
                values[to] = value;
            }
        }
        if (defined != null) {
            for (int j = 0; j < values.length; j++) {
                if (defined.fills()[j]) {
                    values[j] = defined.fillValues()[j];
                }
            }
        }
        if (missing != null) {
            unresolvedRows++;
            if (examples.size() < EXAMPLES) {
                examples.add(target.table() + " key " + (key == null ? "?" : Arrays.toString(key(key))) + " column(s) "
                        + String.join(", ", missing));
            }
        }
        return values;
    }

    /**
     * Hands the row held in a fold version to {@code sink}, value by value in the columns of {@code finalShapeId}, when
     * reading its values in order is all it takes: a version in those columns, in that order, every value present (the
     * bulk of a load). Returns false otherwise, maybe after some of its values were handed over: the caller drops those
     * and decodes the row with {@link #row}, which fills and reorders columns and names what the backup lacks.
     */
    public boolean writeTo(byte[] version, int finalShapeId, RowValueSink sink) {
        ByteReader in = new ByteReader(version, KeyedVersions.HEADER);
        int shapeId = (int) in.readVarLong();
        int count = (int) in.readVarLong();
        if (!inFinalOrder(version, shapeId, finalShapeId)) {
            return false;
        }
        for (int i = 0; i < count; i++) {
            if (!RowCodec.handValue(in, version, i, sink)) {
                return false; // row() resolves or names it
            }
        }
        return true;
    }

    /**
     * Whether a version of shape {@code shapeId} holds the final columns in their order, with nothing to fill: by the
     * definitions' layout, else only a version written in the final shape itself.
     */
    private boolean inFinalOrder(byte[] version, int shapeId, int finalShapeId) {
        int tableId = catalog.tableOfShape(finalShapeId);
        DefinitionTimeline timeline = timeline(tableId);
        return timeline == null ? shapeId == finalShapeId : definedLayout(tableId, timeline, version, shapeId).inOrder();
    }

    /** Rows decoded with a value no version in the backup holds, and up to a few of them by table, key and column. */
    public Unresolved unresolved() {
        return new Unresolved(unresolvedRows, List.copyOf(examples));
    }

    /** @param examples table, key and columns of the first few such rows */
    public record Unresolved(long rows, List<String> examples) {
    }

    /** The key's values, in the order of the table's key columns (all columns for a keyless table). */
    public Object[] key(byte[] key) {
        ByteReader in = new ByteReader(key, 0);
        Object[] values = new Object[(int) in.readVarLong()];
        for (int i = 0; i < values.length; i++) {
            values[i] = RowCodec.readValue(in);
        }
        return values;
    }

    private DefinitionTimeline timeline(int tableId) {
        if (tableId == lastTableId) {
            return lastTimeline; // rows come table after table: no lookup per row
        }
        DefinitionTimeline timeline = timelines.get(tableId);
        if (timeline != null || undefinedTables.contains(tableId)) {
            lastTableId = tableId;
            lastTimeline = timeline;
            return timeline;
        }
        List<DefinitionHistory.Entry> entries = definitions.of(tableId);
        if (entries.isEmpty()) {
            undefinedTables.add(tableId);
            lastTableId = tableId;
            lastTimeline = null;
            return null;
        }
        timeline = new DefinitionTimeline(entries);
        timelines.put(tableId, timeline);
        lastTableId = tableId;
        lastTimeline = timeline;
        return timeline;
    }

    private ColumnIdentity.Layout definedLayout(int tableId, DefinitionTimeline timeline, byte[] version, int shapeId) {
        TableDefinition atRow = timeline.inForceAt(KeyedVersions.lsn(version), KeyedVersions.txOrder(version));
        return identities.layout(catalog.shape(shapeId), shapeId, atRow, timeline.last(),
                attnum -> definitions.whenAdded(tableId, attnum).orElseThrow());
    }

    private int[] layout(int from, int to) {
        return layouts.computeIfAbsent(((long) from << 32) | to, k -> {
            List<String> source = catalog.shape(from).columns();
            TableShape target = catalog.shape(to);
            int[] map = new int[source.size()];
            for (int i = 0; i < map.length; i++) {
                map[i] = target.indexOf(source.get(i));
            }
            return map;
        });
    }
}
