package dev.strata.schemas.base;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.schemas.fold.RowKey;
import dev.strata.schemas.fold.order.KeysInOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyOrderMergeTest {
    /** RowCodec's tag of an integer value. */
    private static final byte LONG_TAG = 3;

    private final List<String> handedOver = new ArrayList<>();

    @Test
    void theFoldsKeysComeBetweenTheRowsWhereTheyFall() {
        KeyOrderMerge merge = new KeyOrderMerge(held(-3, 2, 4, 5, 70));
        for (long value : new long[] {1, 2, 3, 5, 6}) {
            row(merge, value);
        }
        merge.finish();
        assertThat(handedOver).containsExactly("fold -3", "base 1", "fold 2", "base 3", "fold 4", "fold 5", "base 6", "fold 70");
    }

    @Test
    void aRowNotAboveTheOneBeforeItOrNotOneIntegerIsRefused() {
        KeyOrderMerge merge = new KeyOrderMerge(held(10));
        row(merge, 5);
        assertThatThrownBy(() -> row(merge, 5)).hasMessageContaining("a row's key 5 comes after 5, not above it");
        assertThatThrownBy(() -> row(merge, 4)).hasMessageContaining("a row's key 4 comes after 5");
        byte[] twoValues = {2, LONG_TAG, 2, LONG_TAG, 4};
        assertThatThrownBy(() -> new KeyOrderMerge(held()).heldBefore(twoValues)).hasMessageContaining("is not one integer");
        assertThat(handedOver).containsExactly("base 5");
    }

    /** The fold's keys: each handed over as "fold N". */
    private KeysInOrder held(long... values) {
        return new KeysInOrder() {
            @Override
            public int size() {
                return values.length;
            }

            @Override
            public long value(int i) {
                return values[i];
            }

            @Override
            public void handOver(int i) {
                handedOver.add("fold " + values[i]);
            }
        };
    }

    /** A base row: the fold's keys below it first; a held one then comes from the fold, any other straight. */
    private void row(KeyOrderMerge merge, long value) {
        if (merge.heldBefore(key(value))) {
            handedOver.add("fold " + value);
            merge.handedOverHeld();
        } else {
            handedOver.add("base " + value);
        }
    }

    /** The fold's key bytes of one integer: a count of 1, the tag, the zig-zag varint. */
    private static byte[] key(long value) {
        long zigZag = (value << 1) ^ (value >> 63);
        byte[] out = new byte[12];
        out[0] = 1;
        out[1] = LONG_TAG;
        int at = 2;
        while ((zigZag & ~0x7FL) != 0) {
            out[at++] = (byte) ((zigZag & 0x7F) | 0x80);
            zigZag >>>= 7;
        }
        out[at++] = (byte) zigZag;
        byte[] key = Arrays.copyOf(out, at);
        assertThat(RowKey.singleInteger(key)).as("the fold's own reading of the key").hasValue(value);
        return key;
    }
}
