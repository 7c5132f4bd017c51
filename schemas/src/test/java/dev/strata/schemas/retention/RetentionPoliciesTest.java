package dev.strata.schemas.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.schemas.TenantId;
import dev.strata.schemas.config.ConfigSpec;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class RetentionPoliciesTest {
    private static final ConfigSpec SPEC = RetentionKeys.define(ConfigSpec.builder("test config", "the test")).build();

    private static RetentionPolicies read(String... pairs) {
        Properties p = new Properties();
        for (int i = 0; i < pairs.length; i += 2) {
            p.setProperty(pairs[i], pairs[i + 1]);
        }
        return RetentionKeys.read(SPEC.parse(p));
    }

    @Test
    void defaultsAreSevenDaysAndSevenFourTwelve() {
        RetentionPolicy policy = read().policy("eu", TenantId.of("acme"));
        assertThat(policy).isEqualTo(new RetentionPolicy(Duration.ofDays(7), 7, 4, 12));
        assertThat(policy.longestTier()).as("12 months of 31 days").isEqualTo(Duration.ofDays(372));
        assertThat(read().lockMargin()).isEqualTo(Duration.ofDays(1));
    }

    @Test
    void aTenantOverridesItsRegimeWhichOverridesTheDefaults() {
        RetentionPolicies policies = read(RetentionKeys.DAILY, "3",
                RetentionKeys.REGIMES, "eu:window.ms=60000:monthly=0",
                RetentionKeys.TENANTS, "acme:daily=30, initech:window.ms=30000");
        assertThat(policies.policy("eu", TenantId.of("acme"))).isEqualTo(new RetentionPolicy(Duration.ofMinutes(1), 30, 4, 0));
        assertThat(policies.policy("us", TenantId.of("acme"))).isEqualTo(new RetentionPolicy(Duration.ofDays(7), 30, 4, 12));
        assertThat(policies.policy("eu", TenantId.of("globex"))).isEqualTo(new RetentionPolicy(Duration.ofMinutes(1), 3, 4, 0));
        assertThat(policies.shortestWindow("eu")).contains(Duration.ofSeconds(30));
        assertThat(policies.shortestWindow("us")).contains(Duration.ofSeconds(30));
    }

    @Test
    void aMalformedOverrideNamesTheKeyTheEntryAndTheFix() {
        assertThatThrownBy(() -> read(RetentionKeys.TENANTS, "acme:hourly=3"))
                .hasMessageContaining(RetentionKeys.TENANTS).hasMessageContaining("acme:hourly=3")
                .hasMessageContaining("[window.ms, daily, weekly, monthly]");
        assertThatThrownBy(() -> read(RetentionKeys.TENANTS, "acme")).hasMessageContaining("expected <name>:<setting>=<value>");
        assertThatThrownBy(() -> read(RetentionKeys.REGIMES, "eu:daily=many")).hasMessageContaining("'many' is not a whole number");
        assertThatThrownBy(() -> read(RetentionKeys.TENANTS, "acme:daily=1,acme:weekly=2")).hasMessageContaining("acme is named twice");
        assertThatThrownBy(() -> read(RetentionKeys.TENANTS, "acme:daily=-1")).hasMessageContaining("daily=-1 is out of range: at least 0");
        assertThatThrownBy(() -> read(RetentionKeys.REGIMES, "eu:window.ms=10")).hasMessageContaining("window.ms=10 is out of range: at least 1000");
    }
}
