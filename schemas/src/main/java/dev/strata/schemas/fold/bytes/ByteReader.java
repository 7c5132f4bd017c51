package dev.strata.schemas.fold.bytes;

/** Reads what {@link ByteWriter} wrote. */
public final class ByteReader {
    private final byte[] buf;
    private int pos;

    public ByteReader(byte[] buf, int offset) {
        this.buf = buf;
        this.pos = offset;
    }

    public int position() {
        return pos;
    }

    public int peek() {
        return buf[pos] & 0xff;
    }

    public void skip(int n) {
        pos += n;
    }

    public int read() {
        return buf[pos++] & 0xff;
    }

    public long readVarLong() {
        long result = 0;
        for (int shift = 0; ; shift += 7) {
            int b = buf[pos++];
            result |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
    }

    public long readFixedLong() {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (buf[pos++] & 0xffL);
        }
        return v;
    }

    public byte[] readBytes(int len) {
        byte[] out = new byte[len];
        System.arraycopy(buf, pos, out, 0, len);
        pos += len;
        return out;
    }

    public String readUtf8(int len) {
        String s = new String(buf, pos, len, java.nio.charset.StandardCharsets.UTF_8);
        pos += len;
        return s;
    }
}
