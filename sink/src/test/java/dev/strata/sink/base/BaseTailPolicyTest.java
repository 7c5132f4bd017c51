package dev.strata.sink.base;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BaseTailPolicyTest {
    private final BaseTailPolicy policy = new BaseTailPolicy(20, 100_000);

    @Test
    void aLargeTenantGetsABaseOnceItsTailReachesTheShareOfItsRows() {
        assertThat(policy.due(199_999, 1_000_000)).isFalse();
        assertThat(policy.due(200_000, 1_000_000)).isTrue();
    }

    @Test
    void aSmallTenantWaitsForTheMinimumTail() {
        assertThat(policy.due(99_999, 10_000)).isFalse();
        assertThat(policy.due(100_000, 10_000)).isTrue();
    }

    @Test
    void aTenantWithoutABaseGetsItsFirstAtTheMinimum() {
        assertThat(policy.due(99_999, 0)).isFalse();
        assertThat(policy.due(100_000, 0)).isTrue();
    }

    @Test
    void doesNotOverflowForHugeTenants() {
        assertThat(policy.due(Long.MAX_VALUE / 100, Long.MAX_VALUE / 2)).isFalse();
    }

    @Test
    void refusesLimitsThatAreNotPositive() {
        assertThatThrownBy(() -> new BaseTailPolicy(0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BaseTailPolicy(20, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
