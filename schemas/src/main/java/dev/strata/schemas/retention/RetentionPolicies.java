package dev.strata.schemas.retention;

import dev.strata.schemas.TenantId;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/** The retention policy of every tenant: the defaults, over them its regime's, over those its own. */
public final class RetentionPolicies {
    private final RetentionPolicy defaults;
    private final PolicyOverrides regimes;
    private final PolicyOverrides tenants;
    private final Duration lockMargin;

    RetentionPolicies(RetentionPolicy defaults, PolicyOverrides regimes, PolicyOverrides tenants, Duration lockMargin) {
        this.defaults = Objects.requireNonNull(defaults, "defaults");
        this.regimes = Objects.requireNonNull(regimes, "regimes");
        this.tenants = Objects.requireNonNull(tenants, "tenants");
        this.lockMargin = Objects.requireNonNull(lockMargin, "lockMargin");
    }

    /** One policy for everyone (tests, and a deployment without overrides). */
    public static RetentionPolicies uniform(RetentionPolicy policy, Duration lockMargin) {
        return new RetentionPolicies(policy, PolicyOverrides.none(), PolicyOverrides.none(), lockMargin);
    }

    public RetentionPolicy policy(String regime, TenantId tenant) {
        return tenants.apply(tenant.value(), regimes.apply(regime, defaults));
    }

    /** The shortest window any tenant of {@code regime} may have: the regime's, or a tenant override's. */
    public Optional<Duration> shortestWindow(String regime) {
        RetentionPolicy ofRegime = regimes.apply(regime, defaults);
        return Stream.concat(Stream.of(ofRegime), tenants.names().stream().map(name -> tenants.apply(name, ofRegime)))
                .map(RetentionPolicy::window).min(Duration::compareTo);
    }

    /** How much longer than the policy needs each object is locked. */
    public Duration lockMargin() {
        return lockMargin;
    }
}
