package dev.strata.schemas.store;

/** A slice of an object: {@code length} bytes from {@code offset}. */
public record ByteRange(long offset, long length) {

    public ByteRange {
        if (offset < 0 || length < 1 || offset + length < 0) {
            throw new IllegalArgumentException("byte range offset=" + offset + " length=" + length
                    + " is invalid: need offset >= 0 and length >= 1");
        }
    }

    public long lastInclusive() {
        return offset + length - 1;
    }

    /** The HTTP Range header value. */
    public String httpHeader() {
        return "bytes=" + offset + "-" + lastInclusive();
    }
}
