package dev.strata.restore.drill;

import dev.strata.schemas.TenantId;
import java.util.OptionalLong;

/** The latest commit time of a tenant durable in both regions (its watermark in strata.watermarks). */
@FunctionalInterface
public interface DurableTimes {
    OptionalLong durableMicros(TenantId tenant);
}
