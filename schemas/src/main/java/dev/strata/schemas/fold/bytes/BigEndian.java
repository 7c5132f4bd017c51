package dev.strata.schemas.fold.bytes;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Fixed-width big-endian ints and longs in a byte array, each read or written in one access the JIT intrinsifies. */
public final class BigEndian {
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private BigEndian() {
    }

    public static int readInt(byte[] b, int at) {
        return (int) INT.get(b, at);
    }

    public static void writeInt(byte[] b, int at, int value) {
        INT.set(b, at, value);
    }

    public static long readLong(byte[] b, int at) {
        return (long) LONG.get(b, at);
    }

    public static void writeLong(byte[] b, int at, long value) {
        LONG.set(b, at, value);
    }
}
