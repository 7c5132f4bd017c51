package dev.strata.restore.expire;

import dev.strata.schemas.TenantId;
import dev.strata.schemas.UtcHour;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.BaseCut;
import dev.strata.schemas.layout.BaseKey;
import dev.strata.schemas.layout.BaseManifestKey;
import dev.strata.schemas.layout.DurableMarkKey;
import dev.strata.schemas.layout.InvalidObjectKeyException;
import dev.strata.schemas.layout.LateNoticeKey;
import dev.strata.schemas.layout.LayoutKey;
import dev.strata.schemas.layout.ManifestKey;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.layout.SegmentKey;
import dev.strata.schemas.retention.RetentionPolicy;
import dev.strata.schemas.store.ListedObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Which of a tenant's objects its kept restore points need (pure: from the listing alone, and the
 * anchor base's late-notice start). Kept:
 * <ul>
 *   <li>the anchor (the newest base at or before the window's start), every base after it, and the
 *       daily/weekly/monthly bases ({@link BaseTiers}); a base without its base.manifest newer than
 *       the anchor (a fold in progress) too;</li>
 *   <li>every segment whose commits reach the anchor's cut, and every segment named by a late notice
 *       a replay from the anchor reads (those from its {@code lateNoticesFrom} on), with those notices;</li>
 *   <li>the hour manifests from one segment span before the anchor's cut on, or from the hour of the
 *       oldest kept segment if that is older (a late one sits in its old hour): one unbroken run of
 *       the hash chain, whose first link {@code verify} takes as its anchor;</li>
 *   <li>durable marks from the anchor's cut on, and the newest mark always;</li>
 *   <li>anything this planner cannot read as a layout key: expiry deletes only what it understands.</li>
 * </ul>
 * A kept daily/weekly/monthly base is a restore point at its cut, which it serves alone. Without an
 * anchor (no base is older than the window yet) nothing expires.
 */
public final class ExpiryPlanner {
    private final Duration maxSegmentSpan;

    public ExpiryPlanner(Duration maxSegmentSpan) {
        this.maxSegmentSpan = maxSegmentSpan;
    }

    /**
     * @param lateNoticesFrom the {@code lateNoticesFrom} recorded by a base's manifest (empty: it folded none, so read all)
     */
    public ExpiryPlan plan(TenantId tenant, RetentionPolicy policy, Instant now, List<ListedObject> objects,
                           Function<BaseCut, Optional<Long>> lateNoticesFrom) {
        Instant windowStart = now.minus(policy.window());
        long windowStartMicros = micros(windowStart);
        Map<ListedObject, LayoutKey> parsed = new TreeMap<>(Comparator.comparing(ListedObject::key));
        Set<BaseCut> complete = new HashSet<>();
        for (ListedObject object : objects) {
            parse(object.key()).ifPresent(key -> {
                parsed.put(object, key);
                if (key instanceof BaseManifestKey m) {
                    complete.add(m.cut());
                }
            });
        }
        List<BaseCut> beforeWindow = complete.stream().filter(c -> c.cutCommitMicros() <= windowStartMicros).sorted().toList();
        Optional<BaseCut> anchor = beforeWindow.isEmpty() ? Optional.empty() : Optional.of(beforeWindow.get(beforeWindow.size() - 1));
        Map<BaseCut, Set<Tier>> tiers = new TreeMap<>(Comparator.reverseOrder());
        complete.stream().filter(c -> c.cutCommitMicros() > windowStartMicros).forEach(c -> tiers.put(c, EnumSet.of(Tier.WINDOW)));
        anchor.ifPresent(a -> tiers.put(a, EnumSet.of(Tier.ANCHOR)));
        BaseTiers.pick(beforeWindow, policy).forEach((cut, kept) -> tiers.computeIfAbsent(cut, c -> EnumSet.noneOf(Tier.class)).addAll(kept));
        List<KeptBase> kept = tiers.entrySet().stream().map(e -> new KeptBase(e.getKey(), e.getValue())).toList();
        if (anchor.isEmpty()) {
            long bytes = objects.stream().mapToLong(ListedObject::size).sum();
            return new ExpiryPlan(tenant, policy, windowStart, Optional.empty(), kept, List.of(), objects.size(), bytes, key -> true);
        }
        Needs needs = new Needs(anchor.get(), lateNoticesFrom.apply(anchor.get()).orElse(0L), tiers.keySet(), parsed.values());
        List<ListedObject> expired = new ArrayList<>();
        long keptObjects = objects.size() - parsed.size();
        long keptBytes = objects.stream().filter(o -> !parsed.containsKey(o)).mapToLong(ListedObject::size).sum();
        for (Map.Entry<ListedObject, LayoutKey> e : parsed.entrySet()) {
            if (needs.needed(e.getValue())) {
                keptObjects++;
                keptBytes += e.getKey().size();
            } else {
                expired.add(e.getKey());
            }
        }
        return new ExpiryPlan(tenant, policy, windowStart, Optional.of(new KeptBase(anchor.get(), tiers.get(anchor.get()))), kept,
                expired, keptObjects, keptBytes, needs::needed);
    }

    /** What the kept points need, decided per key. */
    private final class Needs {
        private final BaseCut anchor;
        private final long lateFrom;
        private final Set<BaseCut> keptBases;
        private final Set<SegmentKey> lateSegments = new HashSet<>();
        private final UtcHour firstManifestHour;
        private final long newestMark;

        Needs(BaseCut anchor, long lateFrom, Set<BaseCut> keptBases, Iterable<LayoutKey> keys) {
            this.anchor = anchor;
            this.lateFrom = lateFrom;
            this.keptBases = keptBases;
            UtcHour firstHour = UtcHour.containing(anchor.cutCommitMicros() - maxSegmentSpan.toNanos() / 1_000);
            long newest = Long.MIN_VALUE;
            for (LayoutKey key : keys) {
                if (key instanceof LateNoticeKey notice && notice.arrivalMicros() >= lateFrom) {
                    lateSegments.add(notice.segment());
                } else if (key instanceof DurableMarkKey mark) {
                    newest = Math.max(newest, mark.pointMicros());
                }
            }
            for (LayoutKey key : keys) {
                if (key instanceof SegmentKey segment && needed(segment) && segment.hour().compareTo(firstHour) < 0) {
                    firstHour = segment.hour();
                }
            }
            // one unbroken run of the chain, from the hour of the oldest kept segment (a late one sits in its old hour) on
            this.firstManifestHour = firstHour;
            this.newestMark = newest;
        }

        boolean needed(LayoutKey key) {
            if (key instanceof BaseKey base) {
                return keptBases.contains(base.cut()) || base.cut().compareTo(anchor) > 0;
            }
            if (key instanceof BaseManifestKey base) {
                return keptBases.contains(base.cut());
            }
            if (key instanceof SegmentKey segment) {
                return needed(segment);
            }
            if (key instanceof LateNoticeKey notice) {
                return notice.arrivalMicros() >= lateFrom;
            }
            if (key instanceof ManifestKey manifest) {
                return manifest.hour().compareTo(firstManifestHour) >= 0;
            }
            if (key instanceof DurableMarkKey mark) {
                return mark.pointMicros() >= anchor.cutCommitMicros() || mark.pointMicros() == newestMark;
            }
            return true;
        }

        private boolean needed(SegmentKey segment) {
            return segment.maxCommitMicros() >= anchor.cutCommitMicros() || lateSegments.contains(segment);
        }
    }

    private static Optional<LayoutKey> parse(ObjectKey key) {
        try {
            return Optional.of(BackupLayout.parse(key));
        } catch (InvalidObjectKeyException e) {
            return Optional.empty();
        }
    }

    private static long micros(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
    }
}
