package dev.strata.schemas.fold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.schemas.fold.bytes.ByteWriter;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * A long's bytes are copied into the fold's form only when they are the one form Avro's writer gives it; a row image whose
 * block carries its byte size is passed over by that size, and one whose size runs past its block is refused.
 */
class ColumnListTest {

    @Test
    void aLongInAnyValidFormHasOneFoldedForm() throws IOException {
        long[] values = {0, 1, -1, 63, -64, 64, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 62};
        for (long value : values) {
            ByteWriter shortest = new ByteWriter(16);
            shortest.writeVarLong((value << 1) ^ (value >> 63));
            byte[] canonical = shortest.toArray();
            byte[] padded = Arrays.copyOf(canonical, canonical.length + 1); // the last byte continued by a zero byte: valid, not shortest
            padded[canonical.length - 1] |= (byte) 0x80;
            byte[] expected = foldedValue(canonical);
            assertThat(expected[0]).isEqualTo((byte) RowCodec.LONG);
            assertThat(Arrays.copyOfRange(expected, 1, expected.length)).as("value %d", value).isEqualTo(canonical);
            if (padded.length <= 10) {
                assertThat(foldedValue(padded)).as("value %d padded", value).isEqualTo(expected);
            }
        }
    }

    @Test
    void aTenthByteBeyondSixtyFourBitsIsReadAsTheDecoderAlwaysReadIt() throws IOException {
        byte[] wide = {(byte) 0x82, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80,
                (byte) 0x80, 0x02}; // 1, with a bit past the 64th: dropped, as AvroCursor.readLong drops it
        assertThat(foldedValue(wide)).isEqualTo(foldedValue(new byte[] {0x02}));
    }

    @Test
    void aBlockWithItsByteSizeIsPassedOverWhole() throws IOException {
        byte[] sized = {3, 8, 'x', 'y', 'z', 'w', 0, 9}; // count -2 (zigzag 3), 4 bytes (zigzag 8), the 4 bytes, the array's end, a next field
        AvroCursor in = new AvroCursor();
        in.reset(sized, 0, sized.length);
        ColumnList.skip(in, true);
        assertThat(in.remaining()).as("only the next field is left").isEqualTo(1);
        assertThat(in.readLong()).isEqualTo(-5);
    }

    @Test
    void aByteSizeRunningPastTheBlockIsRefused() {
        byte[] sized = {3, 40, 'x', 'y', 0};
        AvroCursor in = new AvroCursor();
        in.reset(sized, 0, sized.length);
        assertThatThrownBy(() -> ColumnList.skip(in, true)).isInstanceOf(IOException.class).hasMessageContaining("a block of 20 bytes");
    }

    @Test
    void aSizedBlockIsReadByItsItemsWhenTheyFillItAndRefusedWhenNot() throws IOException {
        byte[] items = {2, 'n', 12, 'b', 'i', 'g', 'i', 'n', 't', 4, 2}; // one column: "n", "bigint", the long 1
        for (int size : new int[] {items.length, items.length + 1}) {
            ByteWriter avro = new ByteWriter(32);
            avro.write(1); // count -1: a byte size follows
            avro.writeVarLong(2L * size); // zigzag
            avro.writeBytes(items, 0, items.length);
            avro.write(0);
            AvroCursor in = new AvroCursor();
            in.reset(avro.array(), 0, avro.size());
            ColumnList list = new ColumnList();
            if (size == items.length) {
                list.read(in, true);
                assertThat(in.remaining()).isZero();
            } else {
                assertThatThrownBy(() -> list.read(in, true)).isInstanceOf(IOException.class)
                        .hasMessageContaining("its byte size says");
            }
        }
    }

    /** The fold's bytes of a one-column list whose value is the long encoded as {@code varint}. */
    private static byte[] foldedValue(byte[] varint) throws IOException {
        ByteWriter avro = new ByteWriter(64);
        avro.write(2); // an array block of one column
        avro.write(2); // name: 1 byte
        avro.write('n');
        avro.write(12); // pgType: 6 bytes
        avro.writeBytes("bigint".getBytes(), 0, 6);
        avro.write(4); // the value union's long branch
        avro.writeBytes(varint, 0, varint.length);
        avro.write(0); // the array's end
        AvroCursor in = new AvroCursor();
        in.reset(avro.array(), 0, avro.size());
        ColumnList list = new ColumnList();
        list.read(in, true);
        assertThat(in.remaining()).isZero();
        ByteWriter out = new ByteWriter(16);
        list.writeAll(out);
        return out.toArray();
    }
}
