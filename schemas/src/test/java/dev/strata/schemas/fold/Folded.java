package dev.strata.schemas.fold;

import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.fold.drain.FoldDrain;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Folds events (in the order given) and collects the result as table -> key text -> row text. */
final class Folded {
    final Map<String, Map<String, String>> rows = new TreeMap<>();
    final Map<String, Map<String, String>> tombstones = new TreeMap<>();
    final Map<String, TableShape> shapes = new TreeMap<>();
    List<String> tables;
    FoldStats stats;
    RowDecoder.Unresolved unresolved;
    /** What the folder counted as live before it was drained ({@link ChangeFolder#liveRows}). */
    long liveRows;
    /** The rows {@link RowDecoder#writeTo} took too, handing the same values ({@link InOrderRow}). */
    long inOrderRows;

    static Folded of(List<ChangeEvent> events, long until, long budgetBytes, Path spillDir) {
        ShapeCatalog catalog = new ShapeCatalog();
        EventConverter converter = new EventConverter(catalog, until);
        try (ChangeFolder folder = new ChangeFolder(catalog, new FoldMemory(budgetBytes, spillDir, 4))) {
            for (ChangeEvent e : events) {
                converter.convert(e, folder::accept);
            }
            return drained(catalog, folder);
        }
    }

    /** Drains a folder that was fed elsewhere. */
    static Folded drained(ShapeCatalog catalog, ChangeFolder folder) {
        Folded result = drained(catalog, folder, drain -> { });
        long rows = result.rows.values().stream().mapToLong(Map::size).sum();
        if (result.liveRows >= 0 && result.liveRows != rows) { // -1: spilled, not counted
            throw new AssertionError("the folder counted " + result.liveRows + " live rows before the drain, which gave " + rows);
        }
        return result;
    }

    /** The same, after {@code first} has handed rows to the same drain (a base streamed past the fold). */
    static Folded drained(ShapeCatalog catalog, ChangeFolder folder, java.util.function.Consumer<FoldDrain> first) {
        Folded result = new Folded();
        RowDecoder decoder = new RowDecoder(catalog);
        FoldDrain drain = new FoldDrain() {
            @Override
            public void upsert(int tableId, byte[] key, byte[] version) {
                String table = catalog.table(tableId);
                int shape = folder.finalShape(tableId);
                result.shapes.put(table, catalog.shape(shape));
                Object[] row = decoder.row(key, version, shape);
                if (InOrderRow.check(decoder, version, shape, row)) {
                    result.inOrderRows++;
                }
                String previous = result.rows.computeIfAbsent(table, t -> new TreeMap<>())
                        .put(Arrays.toString(decoder.key(key)), render(row));
                if (previous != null) {
                    throw new AssertionError("key " + Arrays.toString(decoder.key(key)) + " of " + table + " drained twice");
                }
            }

            @Override
            public void tombstone(int tableId, byte[] key, byte[] version) {
                if (result.tombstones.computeIfAbsent(catalog.table(tableId), t -> new TreeMap<>())
                        .put(Arrays.toString(decoder.key(key)), "deleted") != null) {
                    throw new AssertionError("tombstone " + Arrays.toString(decoder.key(key)) + " of " + catalog.table(tableId) + " drained twice");
                }
            }
        };
        first.accept(drain);
        result.tables = folder.tables().stream().map(catalog::table).toList();
        result.liveRows = folder.liveRows();
        folder.drain(drain);
        result.stats = folder.stats();
        result.unresolved = decoder.unresolved();
        return result;
    }

    /** Like Arrays.toString, with bytes as hex and the class of every value kept visible for longs and doubles. */
    static String render(Object[] values) {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                out.append(", ");
            }
            Object v = values[i];
            out.append(v instanceof byte[] b ? "x" + java.util.HexFormat.of().formatHex(b) : String.valueOf(v));
        }
        return out.append(']').toString();
    }

    Map<String, String> table(String name) {
        return rows.getOrDefault(name, Map.of());
    }
}
