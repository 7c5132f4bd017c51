package dev.strata.schemas.fold;

import dev.strata.schemas.fold.bytes.ByteWriter;

/** A key's bytes as the fold encodes them: the count of its values, then each in {@link RowCodec}'s form. */
public final class KeyBytes {
    private KeyBytes() {
    }

    public static byte[] of(Object... values) {
        ByteWriter out = new ByteWriter(16);
        out.writeVarLong(values.length);
        for (Object v : values) {
            RowCodec.writeValue(out, v);
        }
        return out.toArray();
    }
}
