package dev.strata.schemas.fold.drain;

/**
 * Takes a folded row's values one by one, in the final columns' order, straight from the fold's bytes
 * ({@link dev.strata.schemas.fold.RowDecoder#writeTo}): no object per value nor per row, for a load that writes the values as bytes again (a
 * binary COPY). A value's kind is the captured one; the sink says what a column of its type makes of it.
 */
public interface RowValueSink {
    void nullValue(int column);

    void booleanValue(int column, boolean value);

    void longValue(int column, long value);

    void doubleValue(int column, double value);

    /** A string's UTF-8 bytes, {@code buf[from, from + length)}: only during the call. */
    void stringValue(int column, byte[] buf, int from, int length);

    /** Bytes, {@code buf[from, from + length)}: only during the call. */
    void bytesValue(int column, byte[] buf, int from, int length);
}
