package dev.strata.sink.manifest;

import dev.strata.schemas.TenantId;
import dev.strata.schemas.crypto.BodySealer;
import dev.strata.schemas.crypto.UnopenableBodyException;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.InvalidObjectKeyException;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.layout.SegmentKey;
import dev.strata.schemas.manifest.ManifestEntry;
import dev.strata.schemas.segment.ForeignTenantException;
import dev.strata.schemas.segment.SegmentTenants;
import dev.strata.schemas.segment.UnreadableSegmentException;
import dev.strata.sink.store.RegionReader;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides whether the sealer may name a segment it found in a tenant's hour. A listing proves only
 * that someone with the writer key put an object there, so it is never the reason to seal: a segment
 * this run uploaded is named with the SHA-256 it computed (the sealer's own record, from
 * {@link ManifestSealer#durable}); any other is one an earlier run wrote before a crash or a restart,
 * or a plant. Such a segment is vouched for only when
 * <ul>
 *   <li>its name is a segment key of this tenant, and both regions hold it with one declared SHA-256
 *       that its bytes match;</li>
 *   <li>every event in it is of this tenant (the sink writes one tenant per segment);</li>
 *   <li>its offsets lie below the committed offset of its partition: the sink commits an offset only
 *       after the segments holding the records before it are durable, so a committed range is one a
 *       sink run did write. Committed offsets come from this run's commits and assignments and from
 *       the watermarks published before it started (each carries its partition's committed offset).</li>
 * </ul>
 * A segment whose offsets are not committed yet is {@link Verdict#PENDING}: a commit usually follows
 * within a poll round, so the hour waits rather than sealing without it.
 */
final class SegmentVouching {
    enum Verdict {
        VOUCHED, PENDING, FOREIGN
    }

    /** The verdict, the entry to seal when vouched, the reason otherwise. */
    record Decision(Verdict verdict, Optional<ManifestEntry> entry, String reason) {
        static Decision vouched(ManifestEntry entry) {
            return new Decision(Verdict.VOUCHED, Optional.of(entry), "");
        }

        static Decision pending(String reason) {
            return new Decision(Verdict.PENDING, Optional.empty(), reason);
        }

        static Decision foreign(String reason) {
            return new Decision(Verdict.FOREIGN, Optional.empty(), reason);
        }
    }

    private final RegionReader reader;
    private final BodySealer bodies;
    private final Map<Integer, Long> committed = new ConcurrentHashMap<>();

    SegmentVouching(RegionReader reader, BodySealer bodies) {
        this.reader = reader;
        this.bodies = bodies;
    }

    /** Offsets below {@code offset} of {@code partition} are committed (Kafka's committed offset: the next to read). */
    void committed(int partition, long offset) {
        committed.merge(partition, offset, Math::max);
    }

    /**
     * @param remembered what this run uploaded under the key, if anything
     * @param size the size both regions list
     */
    Decision decide(TenantId tenant, ObjectKey key, long size, Optional<ManifestEntry> remembered) {
        if (remembered.isPresent()) {
            return remembered.get().size() == size ? Decision.vouched(remembered.get())
                    : Decision.foreign("it is " + size + " bytes, but this sink wrote " + remembered.get().size() + " bytes under that key");
        }
        SegmentKey segment;
        try {
            segment = BackupLayout.parseSegment(key);
        } catch (InvalidObjectKeyException e) {
            return Decision.foreign("its name is not a segment key (" + e.getMessage() + ")");
        }
        if (!segment.tenant().equals(tenant)) {
            return Decision.foreign("its key names tenant " + segment.tenant());
        }
        Long next = committed.get(segment.partition());
        if (next == null || segment.lastOffset() >= next) {
            return Decision.pending("offsets " + segment.firstOffset() + ".." + segment.lastOffset() + " of partition " + segment.partition()
                    + " are not committed yet (committed: " + (next == null ? "unknown" : next) + ")");
        }
        Optional<ManifestEntry> declared = reader.entryFromHeads(key, size);
        if (declared.isEmpty()) {
            return Decision.foreign("it differs between the regions (size or declared SHA-256) or has no SHA-256");
        }
        try {
            Optional<byte[]> copy = reader.anyCopy(key);
            if (copy.isEmpty() || !declared.get().sha256().matches(copy.get())) {
                return Decision.foreign("its bytes do not match the SHA-256 " + declared.get().sha256() + " both regions declare");
            }
            // its bytes matched; a sealed body is authenticated (bound to this key, so to its tenant) as it opens
            byte[] bytes = bodies.open(key, copy.get());
            long events = SegmentTenants.requireTenant(bytes, tenant, key.value());
            if (events > segment.lastOffset() - segment.firstOffset() + 1) {
                return Decision.foreign("it holds " + events + " events, more than its offsets " + segment.firstOffset() + ".."
                        + segment.lastOffset() + " can hold");
            }
        } catch (ForeignTenantException e) {
            return Decision.foreign("it holds an event of tenant '" + e.found() + "'");
        } catch (UnreadableSegmentException | UnopenableBodyException e) {
            return Decision.foreign(e.getMessage());
        }
        return Decision.vouched(declared.get());
    }
}
