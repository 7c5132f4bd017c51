package dev.strata.schemas.fold;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The key hash: runs of consecutive integers side by side in its low bits, and buckets chosen by its high bits still even. */
class RowKeyHashTest {

    @Test
    void consecutiveIntegersShareTheirRunAndTakeTheirPlaceInItAsLowBits() {
        for (long first : new long[] {0, 8, 1_000_000, -16, Long.MAX_VALUE - 7, Long.MIN_VALUE}) {
            int run = RowKey.hash(key(first)) >>> 3;
            for (int i = 0; i < 8; i++) { // not v < first + 8: that overflows at the last run
                long v = first + i;
                int hash = RowKey.hash(key(v));
                assertThat(hash >>> 3).as("the run of %d", v).isEqualTo(run);
                assertThat(hash & 7).as("the place of %d", v).isEqualTo((int) (v & 7));
            }
            if (first != Long.MAX_VALUE - 7) {
                assertThat(RowKey.hash(key(first + 8)) >>> 3).as("the next run").isNotEqualTo(run);
            }
        }
    }

    @Test
    void theHashOfAKeyInALargerBufferIsThatOfItsBytes() {
        byte[] key = key(123_456L);
        byte[] buffer = new byte[key.length + 5];
        System.arraycopy(key, 0, buffer, 0, key.length);
        buffer[key.length] = 9;
        assertThat(RowKey.hash(buffer, key.length)).isEqualTo(RowKey.hash(key));
        assertThat(RowKey.hash(key("a"), key("a").length)).isEqualTo(RowKey.hash(key("a")));
        assertThat(RowKey.hash(key(1L, 2L))).isNotEqualTo(RowKey.hash(key(1L)));
    }

    @Test
    void bucketsByTheHighBitsAreEvenForDenseIdsAndForIdsOfOnePlaceInTheirRun() {
        for (int stride : new int[] {1, 8, 64}) {
            for (int count : new int[] {16, 32}) {
                int[] hits = new int[count];
                int keys = 200_000;
                for (long i = 0; i < keys; i++) {
                    hits[RowKey.bucket(RowKey.hash(key(i * stride)), count)]++;
                }
                int expected = keys / count;
                for (int b = 0; b < count; b++) {
                    assertThat(hits[b]).as("bucket %d of %d, stride %d", b, count, stride)
                            .isBetween(expected * 9 / 10, expected * 11 / 10);
                }
            }
        }
    }

    @Test
    void aTextKeyStillSpreadsOverBuckets() {
        int[] hits = new int[16];
        for (int i = 0; i < 100_000; i++) {
            hits[RowKey.bucket(RowKey.hash(key("customer-" + i)), 16)]++;
        }
        for (int h : hits) {
            assertThat(h).isBetween(100_000 / 16 * 9 / 10, 100_000 / 16 * 11 / 10);
        }
    }

    private static byte[] key(Object... values) {
        return KeyBytes.of(values);
    }
}
