package dev.strata.schemas.fold;

import dev.strata.schemas.fold.bytes.ByteReader;
import dev.strata.schemas.fold.bytes.ByteWriter;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Reads and builds the versions the fold keeps per key (see {@link KeyedVersions}): the change's
 * position, and for a live row its shape id and values. A base stores a row as position, shape and
 * {@link #values} and rebuilds the same version when it is loaded, so folding from a base is
 * folding from the log.
 */
public final class FoldedVersion {
    private FoldedVersion() {
    }

    public static FoldPosition position(byte[] version) {
        return new FoldPosition(KeyedVersions.lsn(version), KeyedVersions.txOrder(version));
    }

    /** Whether the version records a deletion (it holds no row). */
    public static boolean deleted(byte[] version) {
        return KeyedVersions.deleted(version);
    }

    /** The shape id of a live version's row. */
    public static int shapeId(byte[] version) {
        return (int) new ByteReader(version, KeyedVersions.HEADER).readVarLong();
    }

    /**
     * A live version's row without its shape: a varint count, then per value a tag byte (0 null,
     * 1 false, 2 true, 3 long as zig-zag varint, 4 double as 8 bytes big-endian, 5 string as varint
     * length and UTF-8, 6 bytes as varint length and bytes, 7 and 8 a value an UPDATE did not carry,
     * see {@link RowCodec}); varints are unsigned LEB128.
     */
    public static byte[] values(byte[] version) {
        ByteReader in = new ByteReader(version, KeyedVersions.HEADER);
        in.readVarLong();
        return Arrays.copyOfRange(version, in.position(), version.length);
    }

    /** A live version of a row with {@link #values} laid out in shape {@code shapeId}. */
    public static byte[] live(FoldPosition at, int shapeId, byte[] values) {
        return live(at, shapeId, ByteBuffer.wrap(values));
    }

    /**
     * The same from the bytes {@code values} has left (not consumed), written once into a version of
     * the exact size: a base loads a million rows through here, and a growable buffer cost two more
     * copies and allocations per row (JFR: 45% of a base's read).
     */
    public static byte[] live(FoldPosition at, int shapeId, ByteBuffer values) {
        ByteBuffer from = values.duplicate();
        int shapeBytes = ByteWriter.varLongSize(shapeId);
        byte[] version = new byte[KeyedVersions.HEADER + shapeBytes + from.remaining()];
        KeyedVersions.writeHeader(version, at.lsn(), at.txOrder());
        ByteWriter.writeVarLong(version, KeyedVersions.HEADER, shapeId);
        from.get(version, KeyedVersions.HEADER + shapeBytes, from.remaining());
        return version;
    }

    /** A deletion at {@code at}. */
    public static byte[] deletion(FoldPosition at) {
        return KeyedVersions.version(at.lsn(), at.txOrder(), null);
    }
}
