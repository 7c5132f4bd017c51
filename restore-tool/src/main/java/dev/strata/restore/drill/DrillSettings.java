package dev.strata.restore.drill;

import dev.strata.restore.replay.ReplayOptions;
import dev.strata.restore.target.postgres.PgConnectionSpec;
import java.time.Duration;
import java.util.Objects;

/**
 * @param scratchServer where scratch databases are created (a database the role may CREATE DATABASE from)
 * @param tenantColumn the tenant column of shared-schema tables
 * @param watermarkTimeout how long to wait for the tenant's watermark to cover the checkpoint
 * @param loadSessions the sessions a scratch restore loads its tables over ({@code strata.restore.load.sessions})
 */
public record DrillSettings(PgConnectionSpec scratchServer, String tenantColumn, ReplayOptions replay,
                            Duration watermarkTimeout, int loadSessions) {
    public DrillSettings {
        Objects.requireNonNull(scratchServer, "scratchServer");
        Objects.requireNonNull(tenantColumn, "tenantColumn");
        Objects.requireNonNull(replay, "replay");
        Objects.requireNonNull(watermarkTimeout, "watermarkTimeout");
    }
}
