package dev.strata.schemas.fold.select;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeySetTest {

    @Test
    void findsEachKeyInASliceOfALargerBufferAndNothingElse() {
        List<byte[]> keys = new ArrayList<>();
        for (int id = 0; id < 10_000; id += 2) {
            keys.add(new byte[] {1, (byte) id, (byte) (id >> 8)});
        }
        keys.add(keys.get(0).clone()); // twice: one key
        KeySet set = new KeySet(keys);

        byte[] buffer = new byte[64];
        int found = 0;
        for (int id = 0; id < 10_000; id++) {
            Arrays.fill(buffer, (byte) 7); // what follows the slice must not count
            buffer[0] = 1;
            buffer[1] = (byte) id;
            buffer[2] = (byte) (id >> 8);
            if (set.contains(buffer, 3)) {
                assertThat(id % 2).as("key %d", id).isZero();
                found++;
            }
        }
        assertThat(found).isEqualTo(5_000).isEqualTo(set.size());
        assertThat(set.contains(buffer, 2)).as("a prefix of a key is another key").isFalse();
    }

    @Test
    void anEmptySetHoldsNothing() {
        assertThat(new KeySet(List.of()).contains(new byte[] {1}, 1)).isFalse();
        assertThat(new KeySet(List.of(new byte[0])).contains(new byte[] {9}, 0)).as("the empty key").isTrue();
    }
}
