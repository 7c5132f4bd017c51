package dev.strata.schemas.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class PlacementValueTest {
    @Test
    void aRegimeIsAPlacementAndAMoveIsTold() {
        assertThat(PlacementValue.parse("eu")).isEqualTo(PlacementValue.placed("eu"));
        PlacementValue moving = PlacementValue.parse("moving:us>eu");
        assertThat(moving).isEqualTo(PlacementValue.moving("us", "eu"));
        assertThat(moving.moving()).isTrue();
        assertThat(moving.regime()).isEqualTo("eu");
        assertThat(moving.movingFrom()).contains("us");
        assertThat(moving.format()).isEqualTo("moving:us>eu");
        assertThat(moving.describe()).isEqualTo("eu (moving from us)");
    }

    @Test
    void bothRegimesOfAMoveStoreTheTenantAndNoOther() {
        PlacementValue moving = PlacementValue.moving("us", "eu");
        assertThat(moving.storableIn("us")).isTrue();
        assertThat(moving.storableIn("eu")).isTrue();
        assertThat(moving.storableIn("apac")).isFalse();
        assertThat(PlacementValue.placed("eu").storableIn("us")).isFalse();
    }

    @Test
    void aMalformedMoveIsTakenAsAnUnknownRegimeAsBeforeMoves() {
        for (String value : new String[] {"moving:us", "moving:>eu", "moving:us>", "moving:"}) {
            PlacementValue parsed = PlacementValue.parse(value);
            assertThat(parsed.movingFrom()).as(value).isEqualTo(Optional.empty());
            assertThat(parsed.regime()).as(value).isEqualTo(value);
        }
    }
}
