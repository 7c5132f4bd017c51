package dev.strata.schemas.fold;

import dev.strata.schemas.avro.Column;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Numbers tables and their shapes, so that folded rows carry a small id instead of names and
 * types. Thread-safe: segments are decoded in parallel. Each thread remembers the last shape it saw
 * per table, so the common case (a table's shape does not change) compares a few strings and
 * allocates nothing.
 */
public final class ShapeCatalog {
    private final Map<String, Integer> tableIds = new ConcurrentHashMap<>();
    private final List<String> tables = new ArrayList<>();
    private final Map<TableShape, Integer> shapeIds = new ConcurrentHashMap<>();
    private final List<TableShape> shapes = new ArrayList<>();
    private final List<Integer> shapeTables = new ArrayList<>();
    private final ThreadLocal<Map<Integer, Cached>> lastSeen = ThreadLocal.withInitial(HashMap::new);
    private final ThreadLocal<Map<Integer, RawCached>> lastSeenRaw = ThreadLocal.withInitial(HashMap::new);

    private record Cached(int id, TableShape shape) {
    }

    /** The last shape a thread saw per table, as the UTF-8 bytes the decoder compares without making strings. */
    private record RawCached(int id, byte[][] names, byte[][] types, byte[][] keys) {
    }

    public int tableId(String table) {
        Integer id = tableIds.get(table);
        return id != null ? id : register(table);
    }

    private synchronized int register(String table) {
        return tableIds.computeIfAbsent(table, t -> {
            tables.add(t);
            return tables.size() - 1;
        });
    }

    public synchronized String table(int tableId) {
        return tables.get(tableId);
    }

    public synchronized int tableCount() {
        return tables.size();
    }

    public synchronized TableShape shape(int shapeId) {
        return shapes.get(shapeId);
    }

    public synchronized int tableOfShape(int shapeId) {
        return shapeTables.get(shapeId);
    }

    /** The id of a shape known by value (a base lists its tables' shapes). */
    public int shapeId(TableShape shape) {
        return intern(tableId(shape.table()), shape);
    }

    /** The id of the shape that {@code columns} (a row image) and {@code key} (its key columns, may be null) describe. */
    public int shapeId(int tableId, List<Column> columns, List<Column> key) {
        Map<Integer, Cached> mine = lastSeen.get();
        Cached cached = mine.get(tableId);
        if (cached != null && same(cached.shape, columns, key)) {
            return cached.id;
        }
        List<String> names = new ArrayList<>(columns.size());
        List<String> types = new ArrayList<>(columns.size());
        for (Column c : columns) {
            names.add(c.getName());
            types.add(c.getPgType());
        }
        List<String> keyNames = new ArrayList<>();
        if (key != null) {
            key.forEach(c -> keyNames.add(c.getName()));
        }
        TableShape shape = new TableShape(table(tableId), names, types, keyNames);
        int id = intern(tableId, shape);
        mine.put(tableId, new Cached(id, shape));
        return id;
    }

    /** The same as {@link #shapeId(int, List, List)}, for a decoder's raw column lists. */
    int shapeId(int tableId, ColumnList columns, ColumnList key) {
        Map<Integer, RawCached> mine = lastSeenRaw.get();
        RawCached cached = mine.get(tableId);
        if (cached != null && same(cached, columns, key)) {
            return cached.id;
        }
        List<String> names = new ArrayList<>();
        List<String> types = new ArrayList<>();
        byte[][] nameBytes = new byte[columns.size][];
        byte[][] typeBytes = new byte[columns.size][];
        for (int i = 0; i < columns.size; i++) {
            names.add(columns.name(i));
            types.add(columns.type(i));
            nameBytes[i] = columns.nameBytes(i);
            typeBytes[i] = columns.typeBytes(i);
        }
        List<String> keyNames = new ArrayList<>();
        int keySize = key.present ? key.size : 0;
        byte[][] keyBytes = new byte[keySize][];
        for (int i = 0; i < keySize; i++) {
            keyNames.add(key.name(i));
            keyBytes[i] = key.nameBytes(i);
        }
        int id = intern(tableId, new TableShape(table(tableId), names, types, keyNames));
        mine.put(tableId, new RawCached(id, nameBytes, typeBytes, keyBytes));
        return id;
    }

    private static boolean same(RawCached cached, ColumnList columns, ColumnList key) {
        if (cached.names.length != columns.size || cached.keys.length != (key.present ? key.size : 0)) {
            return false;
        }
        for (int i = 0; i < columns.size; i++) {
            if (!columns.nameIs(i, cached.names[i]) || !columns.typeIs(i, cached.types[i])) {
                return false;
            }
        }
        for (int i = 0; i < cached.keys.length; i++) {
            if (!key.nameIs(i, cached.keys[i])) {
                return false;
            }
        }
        return true;
    }

    private synchronized int intern(int tableId, TableShape shape) {
        return shapeIds.computeIfAbsent(shape, s -> {
            shapes.add(s);
            shapeTables.add(tableId);
            return shapes.size() - 1;
        });
    }

    private static boolean same(TableShape shape, List<Column> columns, List<Column> key) {
        if (shape.columns().size() != columns.size()) {
            return false;
        }
        for (int i = 0; i < columns.size(); i++) {
            Column c = columns.get(i);
            if (!shape.columns().get(i).equals(c.getName()) || !shape.pgTypes().get(i).equals(c.getPgType())) {
                return false;
            }
        }
        int keySize = key == null ? 0 : key.size();
        if (shape.keyColumns().size() != keySize) {
            return false;
        }
        for (int i = 0; i < keySize; i++) {
            if (!shape.keyColumns().get(i).equals(key.get(i).getName())) {
                return false;
            }
        }
        return true;
    }
}
