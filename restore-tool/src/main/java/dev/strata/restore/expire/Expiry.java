package dev.strata.restore.expire;

import dev.strata.restore.store.RegimeStores;
import dev.strata.restore.store.Region;
import dev.strata.restore.store.RegionStore;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.base.BaseManifestCodec;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.BaseCut;
import dev.strata.schemas.layout.BaseManifestKey;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.retention.RetentionPolicies;
import dev.strata.schemas.store.ExpiringStore;
import dev.strata.schemas.store.ListedObject;
import dev.strata.schemas.store.ObjectVersionInfo;
import dev.strata.schemas.store.StoredObject;
import dev.strata.schemas.store.failure.StoreException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code expire} for one tenant: plans from what both regions list (reader key, first versions),
 * then deletes every version of each expired key in both regions, with the expire key, only once the
 * lock of every one of those versions in both regions has passed; otherwise it leaves the key whole
 * in both (the next run takes it), so the regions never differ by a half-done expiry. A delete the
 * store refuses is an error of the run, named, and the other keys go on: nothing is hidden.
 */
public final class Expiry {
    private final RegimeStores readers;
    private final Map<Region, ExpiringStore> deleters;
    private final RetentionPolicies policies;
    private final ExpiryPlanner planner;
    private final Clock clock;

    public Expiry(RegimeStores readers, Map<Region, ExpiringStore> deleters, RetentionPolicies policies, ExpiryPlanner planner,
                  Clock clock) {
        this.readers = readers;
        this.deleters = Map.copyOf(deleters);
        this.policies = policies;
        this.planner = planner;
        this.clock = clock;
    }

    /** The plan from what both regions list; nothing is deleted. */
    public ExpiryPlan plan(TenantId tenant) {
        Map<ObjectKey, Long> listed = new TreeMap<>();
        for (RegionStore region : readers.regions()) {
            region.store().listAll(BackupLayout.tenantPrefix(tenant), Optional.empty())
                    .forEach(o -> listed.merge(o.key(), o.size(), Math::max));
        }
        List<ListedObject> objects = listed.entrySet().stream().map(e -> new ListedObject(e.getKey(), e.getValue())).toList();
        return planner.plan(tenant, policies.policy(readers.regime(), tenant), clock.instant(), objects, cut -> lateNoticesFrom(tenant, cut));
    }

    public TenantExpiry run(TenantId tenant) {
        ExpiryPlan plan = plan(tenant);
        Set<ObjectKey> expired = new HashSet<>();
        plan.expired().forEach(o -> expired.add(o.key()));
        Map<Region, RegionExpiry> outcome = new EnumMap<>(Region.class);
        Map<Region, Map<ObjectKey, List<ObjectVersionInfo>>> doomed = new EnumMap<>(Region.class);
        for (Region region : Region.values()) {
            RegionExpiry result = new RegionExpiry(region);
            outcome.put(region, result);
            Map<ObjectKey, List<ObjectVersionInfo>> versions = new TreeMap<>();
            deleters.get(region).versions(BackupLayout.tenantPrefix(tenant)).forEach(v -> {
                result.stored(v.size());
                if (expired.contains(v.key())) {
                    versions.computeIfAbsent(v.key(), k -> new ArrayList<>()).add(v);
                }
            });
            doomed.put(region, versions);
        }
        Instant now = clock.instant();
        for (ObjectKey key : expired) {
            Optional<Instant> lockedUntil = lockedUntil(key, doomed, outcome, now);
            if (lockedUntil.isPresent()) {
                outcome.values().forEach(r -> r.held(lockedUntil.get()));
                continue;
            }
            for (Region region : Region.values()) {
                for (ObjectVersionInfo version : doomed.get(region).getOrDefault(key, List.of())) {
                    delete(region, version, outcome.get(region));
                }
            }
        }
        return new TenantExpiry(plan, outcome);
    }

    /** The latest lock of the key's versions in either region that has not passed; empty when all have (or it has none). */
    private Optional<Instant> lockedUntil(ObjectKey key, Map<Region, Map<ObjectKey, List<ObjectVersionInfo>>> doomed,
                                          Map<Region, RegionExpiry> outcome, Instant now) {
        Optional<Instant> latest = Optional.empty();
        for (Region region : Region.values()) {
            for (ObjectVersionInfo version : doomed.get(region).getOrDefault(key, List.of())) {
                Optional<Instant> until = deleters.get(region).retainUntil(version).filter(u -> u.isAfter(now));
                if (until.isPresent() && latest.map(l -> l.isBefore(until.get())).orElse(true)) {
                    latest = until;
                }
            }
        }
        return latest;
    }

    private void delete(Region region, ObjectVersionInfo version, RegionExpiry result) {
        try {
            deleters.get(region).delete(version);
            result.deleted(version.size());
        } catch (StoreException e) {
            result.error("cannot delete " + version.key() + " version " + version.versionId() + " in " + region.label() + " ("
                    + deleters.get(region).describe() + "): " + e.getMessage());
        }
    }

    /** Where replays from the base start reading late notices; empty if its manifest says none, or cannot be read here. */
    private Optional<Long> lateNoticesFrom(TenantId tenant, BaseCut cut) {
        ObjectKey key = BackupLayout.baseManifest(new BaseManifestKey(tenant, cut));
        for (RegionStore region : readers.regions()) {
            Optional<StoredObject> manifest = region.store().get(key);
            if (manifest.isPresent()) {
                return BaseManifestCodec.read(manifest.get().bytes()).manifest().lateNoticesFrom();
            }
        }
        throw new IllegalStateException("base manifest " + key + " was listed but neither region returns it: run verify");
    }
}
