package dev.strata.schemas.fold;

import dev.strata.schemas.fold.bytes.ByteWriter;

/**
 * The names and types of one column list as Avro encodes them (each column's name, then its type,
 * a zigzag length before each): what a decoder expects of its table's next change, so that it
 * compares each column's name and type in one range of bytes instead of reading two lengths and
 * comparing two strings (JFR: the comparisons alone were an eighth of a restore's reading).
 */
final class ColumnLayout {
    private final byte[][] encoded;
    private final int[] nameAt;
    private final int[] nameLength;
    private final int[] typeAt;
    private final int[] typeLength;

    private ColumnLayout(int size) {
        encoded = new byte[size][];
        nameAt = new int[size];
        nameLength = new int[size];
        typeAt = new int[size];
        typeLength = new int[size];
    }

    /** The layout of the names and types {@code columns} holds (none when it is absent). */
    static ColumnLayout of(ColumnList columns) {
        int size = columns.present ? columns.size : 0;
        ColumnLayout layout = new ColumnLayout(size);
        ByteWriter out = new ByteWriter(64);
        for (int i = 0; i < size; i++) {
            byte[] name = columns.nameBytes(i);
            byte[] type = columns.typeBytes(i);
            out.reset();
            out.writeVarLong(2L * name.length); // Avro's long: zigzag, and a length is never negative
            layout.nameAt[i] = out.size();
            layout.nameLength[i] = name.length;
            out.writeBytes(name, 0, name.length);
            out.writeVarLong(2L * type.length);
            layout.typeAt[i] = out.size();
            layout.typeLength[i] = type.length;
            out.writeBytes(type, 0, type.length);
            layout.encoded[i] = out.toArray();
        }
        return layout;
    }

    int size() {
        return encoded.length;
    }

    /** Column {@code i}'s encoded name and type. */
    byte[] encoded(int i) {
        return encoded[i];
    }

    /** Where column {@code i}'s name bytes begin in {@link #encoded}, and how many there are. */
    int nameAt(int i) {
        return nameAt[i];
    }

    int nameLength(int i) {
        return nameLength[i];
    }

    int typeAt(int i) {
        return typeAt[i];
    }

    int typeLength(int i) {
        return typeLength[i];
    }
}
