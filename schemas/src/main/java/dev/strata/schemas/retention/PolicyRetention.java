package dev.strata.schemas.retention;

import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.BaseKey;
import dev.strata.schemas.layout.BaseManifestKey;
import dev.strata.schemas.layout.DrillKey;
import dev.strata.schemas.layout.LayoutKey;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.store.ObjectRetention;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The Object Lock a regime's sink puts on each object, from its tenant's policy, counted from the
 * time of the write (not the data's commit time: a change redriven late is needed as long as one
 * written on time):
 * <ul>
 *   <li>segments, hour manifests, durable marks, late notices: window + margin. A log object serves
 *       points inside the window and, beyond it, only until a newer base falls out of the window;
 *       the margin (at least the base interval) covers that;</li>
 *   <li>base tables and base manifests: window + the longest tier the base may serve + margin. Any
 *       base may become the newest of its month, and so a monthly point; which one does is known only
 *       later, so every base is locked for the longest tier and {@code expire} deletes, once that lock
 *       passed, those that no tier kept;</li>
 *   <li>drill reports: the bucket default (they are not part of a restore point).</li>
 * </ul>
 * The lock is a floor, never the plan: expiry deletes only what no kept point needs, however long
 * ago its lock passed.
 */
public final class PolicyRetention implements ObjectRetention {
    private final String regime;
    private final RetentionPolicies policies;
    private final Clock clock;

    public PolicyRetention(String regime, RetentionPolicies policies, Clock clock) {
        this.regime = Objects.requireNonNull(regime, "regime");
        this.policies = Objects.requireNonNull(policies, "policies");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Optional<Instant> retainUntil(ObjectKey key) {
        LayoutKey parsed = BackupLayout.parse(key);
        if (parsed instanceof DrillKey) {
            return Optional.empty();
        }
        RetentionPolicy policy = policies.policy(regime, parsed.tenant());
        Duration needed = policy.window();
        if (parsed instanceof BaseKey || parsed instanceof BaseManifestKey) {
            needed = needed.plus(policy.longestTier());
        }
        return Optional.of(clock.instant().plus(needed).plus(policies.lockMargin()));
    }
}
