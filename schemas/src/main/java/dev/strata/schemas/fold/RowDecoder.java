package dev.strata.schemas.fold;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns folded rows back into values, laid out in the table's final shape: a row written before an
 * ADD COLUMN gets null for the new column (the log does not say what default the source filled
 * in), and a dropped column is left out. Values are null, Boolean, Long, Double, String or byte[].
 * Not thread-safe.
 */
public final class RowDecoder {
    private final ShapeCatalog catalog;
    private final Map<Long, int[]> layouts = new HashMap<>();

    public RowDecoder(ShapeCatalog catalog) {
        this.catalog = catalog;
    }

    /** The row held in a fold version, in the columns of shape {@code finalShapeId}. */
    public Object[] row(byte[] version, int finalShapeId) {
        ByteReader in = new ByteReader(version, KeyedVersions.HEADER);
        int shapeId = (int) in.readVarLong();
        int count = (int) in.readVarLong();
        TableShape target = catalog.shape(finalShapeId);
        Object[] values = new Object[target.columns().size()];
        int[] layout = shapeId == finalShapeId ? null : layout(shapeId, finalShapeId);
        for (int i = 0; i < count; i++) {
            Object value = RowCodec.readValue(in);
            int to = layout == null ? i : layout[i];
            if (to >= 0) {
                values[to] = value;
            }
        }
        return values;
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
