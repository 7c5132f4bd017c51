package dev.strata.sink.watermark;

import dev.strata.schemas.TenantId;
import dev.strata.schemas.watermark.Watermark;
import java.util.Collection;
import java.util.Map;

/** Where the regime's latest watermarks are read from when partitions are assigned: the topic in production, a map in tests. */
@FunctionalInterface
public interface WatermarkSource {
    /** The tenants whose last watermark came from one of these partitions of the routed topic. */
    Map<TenantId, Watermark> of(Collection<Integer> partitions);
}
