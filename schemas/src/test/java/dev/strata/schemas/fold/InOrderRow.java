package dev.strata.schemas.fold;

import dev.strata.schemas.fold.drain.RowValueSink;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * What {@link RowDecoder#writeTo} hands over, as the values {@link RowDecoder#row} makes: checked against it wherever a
 * test drains a fold, so that the two ways of reading a row never disagree.
 */
final class InOrderRow implements RowValueSink {
    private final Object[] values;
    private final boolean[] handed;

    private InOrderRow(int columns) {
        values = new Object[columns];
        handed = new boolean[columns];
    }

    /**
     * Reads the version both ways; fails when {@link RowDecoder#writeTo} takes it but hands other values than
     * {@code decoded} (the row {@link RowDecoder#row} gave), or not every column once.
     *
     * @return whether {@link RowDecoder#writeTo} took it
     */
    static boolean check(RowDecoder decoder, byte[] version, int finalShapeId, Object[] decoded) {
        InOrderRow row = new InOrderRow(decoded.length);
        if (!decoder.writeTo(version, finalShapeId, row)) {
            return false;
        }
        for (int i = 0; i < decoded.length; i++) {
            if (!row.handed[i]) {
                throw new AssertionError("writeTo handed no value for column " + i);
            }
        }
        if (!Arrays.deepEquals(row.values, decoded)) {
            throw new AssertionError("writeTo handed " + Folded.render(row.values) + ", row() decoded " + Folded.render(decoded));
        }
        return true;
    }

    private void hand(int column, Object value) {
        if (handed[column]) {
            throw new AssertionError("writeTo handed column " + column + " twice");
        }
        handed[column] = true;
        values[column] = value;
    }

    @Override
    public void nullValue(int column) {
        hand(column, null);
    }

    @Override
    public void booleanValue(int column, boolean value) {
        hand(column, value);
    }

    @Override
    public void longValue(int column, long value) {
        hand(column, value);
    }

    @Override
    public void doubleValue(int column, double value) {
        hand(column, value);
    }

    @Override
    public void stringValue(int column, byte[] buf, int from, int length) {
        hand(column, new String(buf, from, length, StandardCharsets.UTF_8));
    }

    @Override
    public void bytesValue(int column, byte[] buf, int from, int length) {
        hand(column, Arrays.copyOfRange(buf, from, from + length));
    }
}
