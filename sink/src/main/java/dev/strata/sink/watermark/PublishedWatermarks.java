package dev.strata.sink.watermark;

import dev.strata.schemas.TenantId;
import dev.strata.schemas.kafka.CompactedTopic;
import dev.strata.schemas.kafka.Topics;
import dev.strata.schemas.ops.StopSignal;
import dev.strata.schemas.watermark.Watermark;
import dev.strata.schemas.watermark.WatermarkCodec;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The regime's watermarks as {@code strata.watermarks} holds them now: read to its end at startup
 * (every tenant) and when partitions are assigned (their tenants: another instance of the regime
 * may have advanced them since), so that this instance continues each tenant's chain where the topic has it.
 */
public final class PublishedWatermarks implements WatermarkSource {
    private static final Logger LOG = LoggerFactory.getLogger(PublishedWatermarks.class);

    private final Properties kafka;
    private final String regime;
    private final Duration timeout;
    private final StopSignal stop;

    public PublishedWatermarks(Properties kafka, String regime, Duration timeout, StopSignal stop) {
        this.kafka = kafka;
        this.regime = regime;
        this.timeout = timeout;
        this.stop = stop;
    }

    /** Every tenant of the regime. */
    public Map<TenantId, Watermark> all() {
        Map<TenantId, Watermark> mine = new HashMap<>();
        for (Map.Entry<String, byte[]> e : CompactedTopic.read(kafka, Topics.WATERMARKS, timeout, stop).entrySet()) {
            try {
                Watermark w = WatermarkCodec.decode(e.getValue());
                if (w.regime().equals(regime)) {
                    mine.put(w.tenant(), w);
                }
            } catch (IllegalArgumentException bad) {
                LOG.warn("ignoring the watermark of key '{}': {}", e.getKey(), bad.getMessage());
            }
        }
        return mine;
    }

    @Override
    public Map<TenantId, Watermark> of(Collection<Integer> partitions) {
        Map<TenantId, Watermark> on = new HashMap<>(all());
        on.values().removeIf(w -> !partitions.contains(w.partition()));
        return on;
    }
}
