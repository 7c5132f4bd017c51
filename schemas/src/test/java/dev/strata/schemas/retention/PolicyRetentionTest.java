package dev.strata.schemas.retention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.schemas.TenantId;
import dev.strata.schemas.UtcHour;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.BaseCut;
import dev.strata.schemas.layout.BaseKey;
import dev.strata.schemas.layout.BaseManifestKey;
import dev.strata.schemas.layout.DrillKey;
import dev.strata.schemas.layout.DurableMarkKey;
import dev.strata.schemas.layout.ManifestKey;
import dev.strata.schemas.layout.SegmentKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class PolicyRetentionTest {
    private static final Instant NOW = Instant.parse("2026-12-05T06:00:00Z");
    private static final long COMMIT = NOW.minusSeconds(3_600).toEpochMilli() * 1_000;
    private static final TenantId ACME = TenantId.of("acme");
    private static final RetentionPolicy POLICY = new RetentionPolicy(Duration.ofDays(7), 7, 4, 2);
    private static final PolicyRetention RETENTION = new PolicyRetention("eu",
            RetentionPolicies.uniform(POLICY, Duration.ofDays(1)), Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void logObjectsAreLockedForTheWindowAndTheMarginFromTheirWrite() {
        Instant logLock = NOW.plus(Duration.ofDays(8));
        assertThat(RETENTION.retainUntil(BackupLayout.segment(new SegmentKey(ACME, COMMIT, COMMIT + 5, 0, 10, 20)))).contains(logLock);
        assertThat(RETENTION.retainUntil(BackupLayout.manifest(new ManifestKey(ACME, UtcHour.containing(COMMIT), 0)))).contains(logLock);
        assertThat(RETENTION.retainUntil(BackupLayout.mark(new DurableMarkKey(ACME, COMMIT, 0, 30)))).contains(logLock);
    }

    @Test
    void basesAreLockedForTheirLongestTierBeyondTheWindow() {
        BaseCut cut = new BaseCut(COMMIT, 99);
        Instant baseLock = NOW.plus(Duration.ofDays(7 + 62 + 1));
        assertThat(RETENTION.retainUntil(BackupLayout.base(new BaseKey(ACME, cut, "public.orders")))).contains(baseLock);
        assertThat(RETENTION.retainUntil(BackupLayout.baseManifest(new BaseManifestKey(ACME, cut)))).contains(baseLock);
    }

    @Test
    void drillReportsKeepTheBucketDefault() {
        assertThat(RETENTION.retainUntil(BackupLayout.drill(new DrillKey(ACME, COMMIT)))).isEmpty();
    }
}
