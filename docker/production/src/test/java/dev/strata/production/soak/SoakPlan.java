package dev.strata.production.soak;

import java.time.Duration;

/**
 * How long the soak runs and when it moves things, as offsets from the workload's start. The capture crash loop comes
 * first: its alert (a restart count over 5 minutes) clears 5 minutes after the first kill, so it overlaps the rest.
 *
 * @param changesPerSecond row changes committed per second over all source databases (markers not counted)
 * @param tenantsPerSharedDatabase tenants in each of the two shared-schema databases (the third database is one tenant's)
 * @param gatewayStop how long the backup region's gateway stays frozen (SIGSTOP)
 */
record SoakPlan(Duration run, int changesPerSecond, int tenantsPerSharedDatabase, Duration gatewayStop) {
    static final Duration SCRAPE_INTERVAL = Duration.ofSeconds(5);

    /** bench/soak: the run the README reports. */
    static SoakPlan minutes(int minutes) {
        return new SoakPlan(Duration.ofMinutes(minutes), 2_000, 3, Duration.ofSeconds(90));
    }

    /**
     * SoakIT: 3 minutes. The gateway still stops for 90 s: StrataRegionUploadsFailing needs a call older than 20 s for
     * 1 minute (about 85 s with 5 s scrapes), so a shorter stop could not prove the alert.
     */
    static SoakPlan ci() {
        return new SoakPlan(Duration.ofMinutes(3), 2_000, 2, Duration.ofSeconds(90));
    }

    Duration crashLoopAt() {
        return at(0.05);
    }

    Duration addSinkAt() {
        return at(0.10);
    }

    Duration firstPointAt() {
        return at(0.20);
    }

    Duration routerRestartAt() {
        return at(0.28);
    }

    Duration gatewayStopAt() {
        return at(0.33);
    }

    Duration removeSinkAt() {
        return gatewayStopAt().plus(gatewayStop).plusSeconds(10);
    }

    Duration thirdPointAt() {
        return at(0.85);
    }

    private Duration at(double fraction) {
        return Duration.ofMillis(Math.round(run.toMillis() * fraction));
    }
}
