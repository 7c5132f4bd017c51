package dev.strata.sink.manifest;

import dev.strata.schemas.crypto.BodySealer;
import dev.strata.sink.SinkMetrics;
import dev.strata.sink.ownership.Lease;
import dev.strata.sink.ownership.PartitionMovedException;
import dev.strata.sink.ownership.PartitionOwnership;
import dev.strata.schemas.ops.StoppingException;
import dev.strata.schemas.watermark.Watermark;
import dev.strata.sink.segment.ClosedSegment;
import dev.strata.sink.store.DualRegionUploader;
import dev.strata.sink.store.RegionReader;
import dev.strata.sink.watermark.WatermarkPublisher;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.UtcHour;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.ManifestKey;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.manifest.Manifest;
import dev.strata.schemas.manifest.ManifestCodec;
import dev.strata.schemas.manifest.ManifestEntry;
import dev.strata.schemas.manifest.SealedManifest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seals hour manifests: once an hour of a tenant is over by the grace period, one manifest names
 * every segment of that hour durable in both regions, with its size and SHA-256, and links to the
 * SHA-256 of the tenant's previous manifest (a hash chain). The unsealed hours are listed from
 * segment names by whoever restores.
 *
 * <p>Invariants kept here: a manifest names only objects already durable in both regions (listed
 * in both; SHA-256 from this run's uploads or, for an earlier run's objects, the declared SHA-256,
 * equal in both) that this sink wrote: a listed object it cannot vouch for ({@link SegmentVouching})
 * is left out, counted and logged as an ALARM naming it; a manifest becomes the chain's head only once it is durable in both regions; a
 * decided manifest is never re-made (same key, same bytes, until both regions have it); the chain
 * grows in key order, (hour, seq).
 *
 * <p>Late segments: a segment filed under an hour that already has a manifest goes into the next
 * manifest of the same hour (seq + 1) while that hour is the chain's newest; once a later hour is
 * sealed, the chain cannot go back, and late segments of earlier hours are named by the next
 * manifest sealed, whatever its hour: look objects up across the chain, not by hour alone.
 *
 * <p>Which tenants: those whose segments this run made durable, and those the watermarks show with
 * durable changes after their last manifest (hours an earlier run, or another instance, left
 * unsealed), and of those only the tenants whose partition this instance owns: with several sinks
 * in the regime's group, one seals a tenant at a time ({@link PartitionOwnership}). Runs on its own
 * thread, every {@code strata.manifest.check.interval.ms}.
 */
public final class ManifestSealer {
    private static final Logger LOG = LoggerFactory.getLogger(ManifestSealer.class);

    private record Durable(TenantId tenant, int partition, UtcHour hour, Optional<ManifestEntry> entry) {
    }

    private static final class TenantState {
        final TreeMap<UtcHour, Map<ObjectKey, ManifestEntry>> hours = new TreeMap<>();
        final Map<ObjectKey, ManifestEntry> late = new TreeMap<>();
        Optional<Watermark.ManifestHead> recorded = Optional.empty();
        Optional<ChainHeads.Head> head = Optional.empty();
        boolean headKnown;
        Optional<SealedManifest> decided = Optional.empty();
        int partition;
        Optional<UtcHour> unsealedSince = Optional.empty();
    }

    private final RegionReader reader;
    private final ChainHeads heads;
    private final DualRegionUploader uploader;
    private final WatermarkPublisher watermarks;
    private final SinkMetrics metrics;
    private final Clock clock;
    private final Duration grace;
    private final ConcurrentLinkedQueue<Durable> arrivals = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Watermark> hints = new ConcurrentLinkedQueue<>();
    private final Map<TenantId, TenantState> tenants = new HashMap<>();
    private final SegmentVouching vouching;
    private final Set<ObjectKey> foreignReported = new HashSet<>();
    private final PartitionOwnership ownership;

    /** @param bodies opens a sealed segment found in the store, whose events vouching reads */
    public ManifestSealer(RegionReader reader, DualRegionUploader uploader, WatermarkPublisher watermarks, SinkMetrics metrics,
                   Clock clock, Duration grace, PartitionOwnership ownership, BodySealer bodies) {
        this.reader = reader;
        this.ownership = ownership;
        this.heads = new ChainHeads(reader, uploader);
        this.vouching = new SegmentVouching(reader, bodies);
        this.uploader = uploader;
        this.watermarks = watermarks;
        this.metrics = metrics;
        this.clock = clock;
        this.grace = grace;
    }

    /** A segment this run made durable in both regions (any thread). */
    public void durable(ClosedSegment segment) {
        arrivals.add(new Durable(segment.tenant(), segment.partition(), segment.segmentKey().hour(),
                Optional.of(new ManifestEntry(segment.key(), segment.size(), segment.sha256()))));
    }

    /** A segment an earlier run made durable, found during recovery; its SHA-256 is read when sealing. */
    public void durableEarlier(TenantId tenant, int partition, UtcHour hour) {
        arrivals.add(new Durable(tenant, partition, hour, Optional.empty()));
    }

    /** This run committed (or was assigned at) {@code offset} of {@code partition}: the segments below it were written by a sink run. */
    public void committed(int partition, long offset) {
        vouching.committed(partition, offset);
    }

    /**
     * A watermark published before this run started, or before this instance was assigned the tenant's
     * partition: its tenant may have hours an earlier run or another instance left unsealed.
     */
    public void hint(Watermark published) {
        hints.add(published);
    }

    /** One round: seal every hour that is over by the grace period. Failures are counted, logged and retried next round. */
    public void tick() {
        drain();
        Instant now = clock.instant();
        for (Map.Entry<TenantId, TenantState> e : tenants.entrySet()) {
            Optional<Lease> lease = ownership.lease(e.getValue().partition);
            if (lease.isEmpty()) {
                continue; // another instance owns the tenant's partition: it seals the tenant
            }
            try (Lease held = lease.get()) {
                sealDue(e.getKey(), e.getValue(), now, held);
            } catch (PartitionMovedException moved) {
                LOG.info("tenant {}: {}", e.getKey(), moved.getMessage());
            } catch (RuntimeException failure) {
                if (failure instanceof StoppingException || failure.getCause() instanceof StoppingException) {
                    return; // a read's retry, or an upload's future (which wraps it): stopping is not a failed seal
                }
                metrics.sealFailed();
                LOG.warn("cannot seal the manifests of tenant {} now ({}); retrying next round", e.getKey(), failure.toString());
            }
        }
        // Tenant states stay (a few hundred bytes each): the known chain head spares a listing next hour.
    }

    private void drain() {
        for (Durable d = arrivals.poll(); d != null; d = arrivals.poll()) {
            TenantState state = tenants.computeIfAbsent(d.tenant(), t -> new TenantState());
            state.partition = d.partition();
            Map<ObjectKey, ManifestEntry> hour = state.hours.computeIfAbsent(d.hour(), h -> new HashMap<>());
            d.entry().ifPresent(entry -> hour.put(entry.key(), entry));
        }
        for (Watermark w = hints.poll(); w != null; w = hints.poll()) {
            TenantState state = tenants.computeIfAbsent(w.tenant(), t -> new TenantState());
            state.recorded = w.manifestHead();
            state.partition = w.partition();
            // what this instance knew of the chain may be stale: another instance may have sealed since; find the head again
            state.headKnown = false;
            state.decided = Optional.empty(); // stored in one region it is completed by the discovery, in none it was never decided

            vouching.committed(w.partition(), w.committedOffset());
            UtcHour durableHour = UtcHour.containing(Math.max(0, w.durableCommitMicros()));
            Optional<UtcHour> sealedHour = w.manifestHead().map(h -> BackupLayout.parseManifest(h.key()).hour());
            if (w.durableCommitMicros() > 0 && (sealedHour.isEmpty() || sealedHour.get().compareTo(durableHour) < 0)) {
                // no manifest at all: the tenant's log is young (its first hour never sealed), list it whole
                state.unsealedSince = Optional.of(sealedHour.map(UtcHour::next).orElse(new UtcHour(0)));
            }
        }
    }

    private void sealDue(TenantId tenant, TenantState state, Instant now, Lease lease) {
        if (state.decided.isPresent()) {
            lease.check("storing manifest " + state.decided.get().manifest().key());
            store(tenant, state, state.decided.get()); // decided earlier, not yet in both regions: the same bytes again
        }
        boolean work = state.unsealedSince.isPresent() || !state.late.isEmpty()
                || (!state.hours.isEmpty() && due(state.hours.firstKey(), now));
        if (!work) {
            return; // nothing due: no listing at all
        }
        if (!state.headKnown) {
            state.head = heads.discover(tenant, state.recorded);
            state.headKnown = true;
        }
        if (state.unsealedSince.isPresent()) {
            for (UtcHour hour : reader.hoursWithSegments(tenant, state.unsealedSince.get())) {
                state.hours.computeIfAbsent(hour, h -> new HashMap<>());
            }
            state.unsealedSince = Optional.empty();
        }
        while (!state.hours.isEmpty() && due(state.hours.firstKey(), now)) {
            UtcHour hour = state.hours.firstKey();
            Map<ObjectKey, ManifestEntry> known = state.hours.get(hour);
            Optional<ManifestKey> head = state.head.map(ChainHeads.Head::key);
            if (head.isPresent() && hour.compareTo(head.get().hour()) < 0) {
                lateEntries(tenant, hour, known, state.late);
                state.hours.remove(hour);
                continue;
            }
            int seq = head.isPresent() && head.get().hour().equals(hour) ? head.get().seq() + 1 : 0;
            Set<ObjectKey> vouched = seq > 0 ? reader.vouchedIn(tenant, hour) : Set.of();
            List<ManifestEntry> entries = new ArrayList<>();
            for (Map.Entry<ObjectKey, Long> listed : reader.durableSegments(tenant, hour).entrySet()) {
                if (vouched.contains(listed.getKey())) {
                    continue;
                }
                SegmentVouching.Decision decision = vouching.decide(tenant, listed.getKey(), listed.getValue(),
                        Optional.ofNullable(known.get(listed.getKey())));
                if (decision.verdict() == SegmentVouching.Verdict.PENDING) {
                    LOG.info("hour {} of tenant {} waits: {} {}; sealing it next round", hour, tenant, listed.getKey(), decision.reason());
                    return;
                }
                decision.entry().ifPresentOrElse(entries::add, () -> foreign(tenant, listed.getKey(), decision.reason()));
            }
            state.late.values().stream().filter(e -> entries.stream().noneMatch(x -> x.key().equals(e.key()))).forEach(entries::add);
            if (!entries.isEmpty()) {
                lease.check("sealing hour " + hour + " of tenant " + tenant);
                seal(tenant, state, new Manifest(tenant, hour, seq, state.head.map(ChainHeads.Head::sha256), entries));
            }
            state.hours.remove(hour);
        }
        if (!state.late.isEmpty() && state.head.isPresent() && due(state.head.get().key().hour(), now)) {
            ManifestKey head = state.head.get().key();
            lease.check("sealing late segments of tenant " + tenant);
            seal(tenant, state, new Manifest(tenant, head.hour(), head.seq() + 1, Optional.of(state.head.get().sha256()),
                    List.copyOf(state.late.values())));
        }
    }

    /** Segments of an hour older than the chain's head: kept for the next manifest, unless already named. */
    private void lateEntries(TenantId tenant, UtcHour hour, Map<ObjectKey, ManifestEntry> known, Map<ObjectKey, ManifestEntry> late) {
        Set<ObjectKey> vouched = reader.vouchedIn(tenant, hour);
        Map<ObjectKey, Long> durable = reader.durableSegments(tenant, hour);
        for (ManifestEntry entry : known.values()) {
            if (!vouched.contains(entry.key()) && durable.containsKey(entry.key())) {
                LOG.info("late segment {}: its hour is already sealed; the next manifest of tenant {} names it", entry.key(), tenant);
                late.put(entry.key(), entry);
            }
        }
    }

    /** An object in the tenant's hour this sink cannot vouch for: never sealed, said once per object. */
    private void foreign(TenantId tenant, ObjectKey key, String reason) {
        if (foreignReported.add(key)) {
            metrics.foreignObject();
            LOG.error("ALARM: {} is in the log of tenant {} but this sink did not write it: {}; it is left out of the manifest."
                    + " Someone holding the regime's writer key put it there: run restore-tool verify --tenant {} and rotate the"
                    + " writer key", key, tenant, reason, tenant);
        }
    }

    private void seal(TenantId tenant, TenantState state, Manifest manifest) {
        SealedManifest sealed = ManifestCodec.seal(manifest);
        state.decided = Optional.of(sealed);
        store(tenant, state, sealed);
    }

    /** Writes the decided manifest to both regions; only then is it the chain's head. */
    private void store(TenantId tenant, TenantState state, SealedManifest sealed) {
        ObjectKey key = BackupLayout.manifest(sealed.manifest().key());
        uploader.upload(key, sealed.bytes(), sealed.sha256(), 0).join();
        state.decided = Optional.empty();
        state.head = Optional.of(new ChainHeads.Head(sealed.manifest().key(), sealed.sha256()));
        state.late.keySet().removeAll(sealed.manifest().entries().stream().map(ManifestEntry::key).toList());
        metrics.sealed();
        LOG.info("sealed {} ({} objects, previous {})", key, sealed.manifest().entries().size(),
                sealed.manifest().previous().map(Object::toString).orElse("none: the tenant's first"));
        watermarks.manifestSealed(tenant, state.head.get().asWatermarkHead(), state.partition);
    }

    private boolean due(UtcHour hour, Instant now) {
        return !now.isBefore(hour.next().start().plus(grace));
    }
}
