package dev.strata.restore.move;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EventIdsTest {
    @Test
    void copiesCountOnceAndWhatTheOtherLacksIsCounted() {
        EventIds source = new EventIds();
        for (String id : new String[] {"a", "b", "b", "c"}) {
            source.add(id);
        }
        EventIds target = new EventIds();
        for (String id : new String[] {"c", "a", "a", "x"}) {
            target.add(id);
        }

        assertThat(source.distinct()).isEqualTo(3);
        assertThat(source.missingFrom(target)).as("b").isEqualTo(1);
        target.add("b");
        assertThat(source.missingFrom(target)).isZero();
        assertThat(target.missingFrom(source)).as("x").isEqualTo(1);
    }
}
