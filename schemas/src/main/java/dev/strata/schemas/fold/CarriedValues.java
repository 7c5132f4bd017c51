package dev.strata.schemas.fold;

import dev.strata.schemas.fold.bytes.ByteReader;
import dev.strata.schemas.fold.bytes.ByteWriter;

import java.util.List;

/**
 * Fills the values an UPDATE did not carry from older versions of the same row. Under REPLICA
 * IDENTITY DEFAULT Postgres leaves an unchanged TOASTed value out of an UPDATE (capture writes the
 * union's {@code Unsent.UNCHANGED}); its value is that of the newest older version of the row that
 * did carry the column. Strata holds those versions in its log or base, so the fold can put it back.
 *
 * <p>The fold keeps one version per key and sees changes in any order (segments are folded in
 * parallel), so a filled value remembers where it came from ({@link RowCodec#CARRIED}: the source's
 * lsn and txOrder). An older version met later replaces it only when it is newer than that source.
 * Taking the newest source is a maximum, so the outcome does not depend on the order of arrival.
 *
 * <p>A version's row is {@code [varint shape][varint count][values]} after the 16-byte header.
 */
final class CarriedValues {
    private CarriedValues() {
    }

    /** Whether the version at {@code [offset, end)} of {@code buf} has a value an older version may fill. */
    static boolean hasGaps(byte[] buf, int offset, int end) {
        if (end - offset <= KeyedVersions.HEADER) {
            return false; // a deletion
        }
        ByteReader in = new ByteReader(buf, offset + KeyedVersions.HEADER);
        in.readVarLong();
        long count = in.readVarLong();
        for (long i = 0; i < count; i++) {
            int tag = in.peek();
            if (tag == RowCodec.UNCHANGED || tag == RowCodec.CARRIED) {
                return true;
            }
            RowCodec.skipValue(in);
        }
        return false;
    }

    static boolean hasGaps(byte[] version) {
        return hasGaps(version, 0, version.length);
    }

    /**
     * {@code newer} with each value it did not carry taken from {@code older} (a version of the same
     * key with a smaller (lsn, txOrder)) where {@code older} is a better source than the one it has.
     *
     * @return the filled version, or null when {@code older} improves nothing
     */
    static byte[] fill(byte[] newer, byte[] older, ShapeCatalog catalog) {
        if (KeyedVersions.deleted(older) || KeyedVersions.deleted(newer)) {
            return null;
        }
        Row target = new Row(newer);
        Row source = new Row(older);
        int[] from = source.shape == target.shape ? null : columnMap(catalog, target.shape, source.shape);
        ByteWriter out = null;
        for (int i = 0; i < target.count; i++) {
            int tag = newer[target.start[i]] & 0xff;
            int j = from == null ? i : from[i];
            if ((tag != RowCodec.UNCHANGED && tag != RowCodec.CARRIED) || j < 0 || j >= source.count) {
                continue;
            }
            int sourceTag = older[source.start[j]] & 0xff;
            if (sourceTag == RowCodec.UNCHANGED) {
                continue; // the older version did not carry it either
            }
            long lsn;
            long txOrder;
            int valueStart;
            if (sourceTag == RowCodec.CARRIED) {
                ByteReader at = new ByteReader(older, source.start[j] + 1);
                lsn = at.readFixedLong();
                txOrder = at.readFixedLong();
                valueStart = source.start[j] + RowCodec.CARRIED_HEADER;
            } else {
                lsn = KeyedVersions.lsn(older);
                txOrder = KeyedVersions.txOrder(older);
                valueStart = source.start[j];
            }
            if (tag == RowCodec.CARRIED) {
                ByteReader have = new ByteReader(newer, target.start[i] + 1);
                if (FoldOp.compareOrder(lsn, txOrder, have.readFixedLong(), have.readFixedLong()) <= 0) {
                    continue; // what it holds came from a version nearer to it
                }
            }
            if (out == null) {
                out = new ByteWriter(newer.length + older.length);
                out.writeBytes(newer, 0, target.start[0]);
            }
            target.replace(i, lsn, txOrder, older, valueStart, source.start[j + 1]);
        }
        if (out == null) {
            return null;
        }
        for (int i = 0; i < target.count; i++) {
            target.write(i, out);
        }
        return out.toArray();
    }

    /** For each column of shape {@code to}, its position in shape {@code from}, -1 if it has none (ADD COLUMN). */
    private static int[] columnMap(ShapeCatalog catalog, int to, int from) {
        List<String> target = catalog.shape(to).columns();
        TableShape source = catalog.shape(from);
        int[] map = new int[target.size()];
        for (int i = 0; i < map.length; i++) {
            map[i] = source.indexOf(target.get(i));
        }
        return map;
    }

    /** Where each value of a version's row starts, and the replacements made to it. */
    private static final class Row {
        final byte[] bytes;
        final int shape;
        final int count;
        final int[] start;
        private byte[][] replacements;

        Row(byte[] version) {
            bytes = version;
            ByteReader in = new ByteReader(version, KeyedVersions.HEADER);
            shape = (int) in.readVarLong();
            count = (int) in.readVarLong();
            start = new int[count + 1];
            for (int i = 0; i < count; i++) {
                start[i] = in.position();
                RowCodec.skipValue(in);
            }
            start[count] = in.position();
        }

        void replace(int i, long lsn, long txOrder, byte[] source, int from, int to) {
            if (replacements == null) {
                replacements = new byte[count][];
            }
            ByteWriter w = new ByteWriter(RowCodec.CARRIED_HEADER + to - from);
            w.write(RowCodec.CARRIED);
            w.writeFixedLong(lsn);
            w.writeFixedLong(txOrder);
            w.writeBytes(source, from, to - from);
            replacements[i] = w.toArray();
        }

        void write(int i, ByteWriter out) {
            byte[] replaced = replacements == null ? null : replacements[i];
            if (replaced != null) {
                out.writeBytes(replaced, 0, replaced.length);
            } else {
                out.writeBytes(bytes, start[i], start[i + 1] - start[i]);
            }
        }
    }
}
