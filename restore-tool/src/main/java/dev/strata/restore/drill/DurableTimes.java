package dev.strata.restore.drill;

import dev.strata.schemas.TenantId;
import java.util.OptionalLong;

/**
 * The latest commit time of a tenant durable in both regions as Kafka knows it (its watermark in
 * strata.watermarks): what a drill waits for when the backup holds no durable mark (written before
 * the sinks wrote them); otherwise the marks in the store are the durable point.
 */
@FunctionalInterface
public interface DurableTimes {
    OptionalLong durableMicros(TenantId tenant);
}
