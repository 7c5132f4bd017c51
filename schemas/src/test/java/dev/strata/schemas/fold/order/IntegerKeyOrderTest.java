package dev.strata.schemas.fold.order;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The radix sort, on integers whose bytes are shared in every way its passes can skip. */
class IntegerKeyOrderTest {
    @Test
    void theSortOrdersIntegersThatShareSomeOfTheirBytes() {
        Random random = new Random(13);
        long[][] cases = {
            random.longs(5000, 0, 1 << 20).toArray(), // three low bytes differ
            random.longs(5000, -(1L << 20), 0).toArray(), // negatives: the same
            random.longs(5000, 1L << 40, (1L << 40) + 200).toArray(), // one: a single pass
            random.longs(5000, 0, 1 << 16).map(v -> v << 8).toArray(), // the lowest byte shared, two above it not
            {7}, {}};
        for (long[] values : cases) {
            IntegerKeyOrder order = new IntegerKeyOrder(1);
            for (int i = 0; i < values.length; i++) {
                order.add(values[i], i % 3, i);
            }
            List<Long> visited = new ArrayList<>();
            order.forEachInOrder((part, slot) -> {
                assertThat(part).isEqualTo(slot % 3);
                visited.add(values[slot]);
            });
            long[] sorted = values.clone();
            Arrays.sort(sorted);
            assertThat(visited).containsExactly(Arrays.stream(sorted).boxed().toArray(Long[]::new));
        }
    }
}
