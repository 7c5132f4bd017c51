package dev.strata.local;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClusterIdTest {

    // 1 random id in 64 starts with '-', which StorageTool reads as an option ("-t -X..."):
    // 10,000 draws without the guard fail with near certainty
    @Test
    void aClusterIdIsTwentyTwoUrlSafeCharactersAndNeverLooksLikeAnOption() {
        for (int i = 0; i < 10_000; i++) {
            assertThat(LocalKafka.randomClusterId()).hasSize(22).matches("[A-Za-z0-9_-]+").doesNotStartWith("-");
        }
    }
}
