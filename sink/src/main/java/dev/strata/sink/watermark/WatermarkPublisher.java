package dev.strata.sink.watermark;

import dev.strata.sink.SinkMetrics;
import dev.strata.schemas.watermark.Watermark;
import dev.strata.schemas.watermark.WatermarkCodec;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes per-tenant watermarks to {@code strata.watermarks}. Last in the ordering chain:
 * segment durable in both regions, then the Kafka offset committed, then (here) the watermark.
 * Watermarks never move back: a tenant's state is seeded from the topic at startup and a
 * publication only raises it. Called from the poll thread (advances) and the sealer's thread
 * (new manifest heads); one tenant's updates are serialized, so the topic's last value per key is
 * always the newest state.
 */
public final class WatermarkPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(WatermarkPublisher.class);

    private final Producer<byte[], byte[]> producer;
    private final String regime;
    private final Clock clock;
    private final SinkMetrics metrics;
    private final Map<TenantId, Watermark> state = new ConcurrentHashMap<>();

    public WatermarkPublisher(Producer<byte[], byte[]> producer, String regime, Clock clock, SinkMetrics metrics) {
        this.producer = producer;
        this.regime = regime;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** The watermarks already published (by any earlier run), so that none regresses. */
    public void seed(Map<TenantId, Watermark> published) {
        state.putAll(published);
    }

    /**
     * Watermarks read from the topic when this instance was assigned their tenants' partitions: another
     * instance of the regime published them since this one last did, and the next publication builds
     * on them (a manifest head, a durable point), so neither field regresses. A tenant's own newer state wins.
     */
    public void refresh(Map<TenantId, Watermark> published) {
        published.forEach((tenant, read) -> state.merge(tenant, read, WatermarkPublisher::newer));
    }

    /** Waits until every watermark sent so far is acknowledged: before this instance lets a partition go to another. */
    public void flush() {
        producer.flush();
    }

    private static Watermark newer(Watermark held, Watermark read) {
        Watermark base = read.durableCommitMicros() > held.durableCommitMicros() ? read : held;
        Optional<Watermark.ManifestHead> head = newerHead(held.manifestHead(), read.manifestHead());
        return head.equals(base.manifestHead()) ? base : base.withHead(head.get(), base.publishedAtMicros());
    }

    /** Manifest keys sort in chain order (hour, seq). */
    private static Optional<Watermark.ManifestHead> newerHead(Optional<Watermark.ManifestHead> a, Optional<Watermark.ManifestHead> b) {
        if (a.isEmpty() || b.isEmpty()) {
            return a.isPresent() ? a : b;
        }
        return a.get().key().compareTo(b.get().key()) >= 0 ? a : b;
    }

    /** After a commit: the tenant's changes up to {@code durableCommitMicros} are durable; publishes if that is news. */
    public void advanced(TenantId tenant, WatermarkTracker.Advance advance, String topic, int partition, long committedOffset) {
        state.compute(tenant, (t, current) -> {
            if (current != null && current.durableCommitMicros() >= advance.durableCommitMicros()) {
                return current;
            }
            Watermark next = new Watermark(t, regime, advance.durableCommitMicros(), advance.lsn(), topic, partition, committedOffset,
                    nowMicros(), current == null ? Optional.empty() : current.manifestHead());
            send(next);
            return next;
        });
    }

    /** The sealer made {@code head} the newest manifest of the tenant's chain. */
    public void manifestSealed(TenantId tenant, Watermark.ManifestHead head, int partitionHint) {
        state.compute(tenant, (t, current) -> {
            Watermark next = current != null ? current.withHead(head, nowMicros())
                    : new Watermark(t, regime, 0, 0, Topics.routed(regime), partitionHint, 0, nowMicros(), Optional.of(head));
            send(next);
            return next;
        });
    }

    public Optional<Watermark> current(TenantId tenant) {
        return Optional.ofNullable(state.get(tenant));
    }

    private void send(Watermark watermark) {
        byte[] key = watermark.tenant().value().getBytes(StandardCharsets.UTF_8);
        producer.send(new ProducerRecord<>(Topics.WATERMARKS, key, WatermarkCodec.encode(watermark)), (metadata, failure) -> {
            if (failure != null) {
                // The next advance of the tenant publishes a newer one; nothing depends on this one being stored.
                LOG.warn("cannot publish the watermark of tenant {}: {}", watermark.tenant(), failure.toString());
            } else {
                metrics.watermarkPublished();
            }
        });
    }

    private long nowMicros() {
        Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }
}
