package dev.strata.restore.verify;

import dev.strata.schemas.crypto.BodySealer;
import dev.strata.schemas.crypto.DataKeyUnavailableException;
import dev.strata.schemas.crypto.UnopenableBodyException;
import dev.strata.restore.BadInputException;
import dev.strata.restore.store.RegimeStores;
import dev.strata.restore.store.Region;
import dev.strata.restore.store.RegionStore;
import dev.strata.restore.store.StoreFailures;
import dev.strata.schemas.Sha256;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.InvalidObjectKeyException;
import dev.strata.schemas.layout.ManifestKey;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.manifest.ChainBreak;
import dev.strata.schemas.manifest.ChainReport;
import dev.strata.schemas.manifest.Manifest;
import dev.strata.schemas.manifest.ManifestChain;
import dev.strata.schemas.manifest.ManifestCodec;
import dev.strata.schemas.manifest.ManifestEntry;
import dev.strata.schemas.manifest.ManifestFormatException;
import dev.strata.schemas.manifest.StoredManifest;
import dev.strata.schemas.segment.ForeignTenantException;
import dev.strata.schemas.segment.SegmentTenants;
import dev.strata.schemas.segment.UnreadableSegmentException;
import dev.strata.schemas.store.ListedObject;
import dev.strata.schemas.store.ObjectVersionInfo;
import dev.strata.schemas.store.StoredObject;
import dev.strata.schemas.store.failure.StoreException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import dev.strata.schemas.UtcHour;
import dev.strata.schemas.layout.LayoutKey;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ExecutionException;

/**
 * {@code verify}: the whole of a tenant's backup, in both regions. The manifest chain of each
 * region link by link; every object's first version against the SHA-256 its manifest gives (or,
 * for an hour not sealed yet, the one its writer declared); that both regions hold the same
 * objects; and that no key has a second version (the trace of an overwrite attempt, which Object
 * Lock keeps from destroying the first). Bases are checked through their own manifests ({@link BaseVerifier}).
 * Every segment's events are read for their tenant: a checksum, even a sealed one, only says the
 * bytes are those their writer declared, and the writer key can file one tenant's segment under another.
 * Durable marks are bound to the tenant and checked against the segments both regions hold ({@link MarkCheck}).
 */
public final class Verifier {
    private final RegimeStores stores;
    private final int threads;
    private final Predicate<LayoutKey> needed;

    /** A backup of which nothing expired: every object its manifests name must be there. */
    public Verifier(RegimeStores stores, int threads) {
        this(stores, threads, key -> true);
    }

    /**
     * @param needed whether the tenant's kept restore points need the object of a key (its retention plan): the
     *     absence of one they do not need is expiry's work, not a loss, and the chain starts at its first kept manifest
     */
    public Verifier(RegimeStores stores, int threads, Predicate<LayoutKey> needed) {
        this.stores = stores;
        this.threads = threads;
        this.needed = needed;
    }

    public VerifyReport verify(TenantId tenant) {
        VerifyReport report = new VerifyReport(tenant);
        Map<ObjectKey, Set<Region>> holders = listEverything(tenant);
        Map<ObjectKey, Vouched> vouched = verifyManifests(holders, report);
        MarkCheck marks = new MarkCheck(tenant, holders);
        ExecutorService pool = Executors.newFixedThreadPool(threads, task -> {
            Thread t = new Thread(task, "verify-reader");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> checks = new ArrayList<>();
            holders.forEach((key, regions) -> checks.add(pool.submit(() -> checkObject(tenant, key, regions, vouched.get(key), marks, report))));
            for (Future<?> check : checks) {
                await(check);
            }
        } finally {
            pool.shutdownNow();
        }
        new BaseVerifier(stores).verify(tenant, holders, key -> Optional.ofNullable(vouched.get(key)).map(v -> v.entry), report);
        new LateNoticeVerifier(stores).verify(holders, key -> Optional.ofNullable(vouched.get(key)).map(v -> v.entry), report);
        vouched.forEach((key, v) -> {
            if (!holders.containsKey(key) && !needed.test(BackupLayout.parse(key))) {
                report.expiredNamed();
            } else if (!holders.containsKey(key)) {
                report.fail(key + " is named by manifest " + v.manifest + " but neither region holds it: it is lost");
            }
        });
        return report;
    }

    private record Vouched(ManifestEntry entry, ObjectKey manifest) {
    }

    private Map<ObjectKey, Set<Region>> listEverything(TenantId tenant) {
        Map<ObjectKey, Set<Region>> holders = new TreeMap<>();
        StoreFailures failures = new StoreFailures();
        for (RegionStore region : stores.regions()) {
            try {
                for (ListedObject o : (Iterable<ListedObject>) region.store().listAll(BackupLayout.tenantPrefix(tenant), Optional.empty())::iterator) {
                    holders.computeIfAbsent(o.key(), k -> EnumSet.noneOf(Region.class)).add(region.region());
                }
            } catch (StoreException e) {
                failures.add(region, e);
            }
        }
        if (!failures.isEmpty()) {
            throw failures.error("cannot verify tenant " + tenant + ": verify needs both regions: "
                    + String.join("; ", failures.reasons()));
        }
        if (holders.isEmpty()) {
            throw new BadInputException("unknown tenant " + tenant + ": regime " + stores.regime() + " holds no object of it;"
                    + " check the tenant id ('restore-tool list tenants')");
        }
        return holders;
    }

    /** Each region's chain on its own, the two regions' copies against each other; returns what the manifests vouch for. */
    private Map<ObjectKey, Vouched> verifyManifests(Map<ObjectKey, Set<Region>> holders, VerifyReport report) {
        List<ObjectKey> keys = new ArrayList<>();
        holders.keySet().forEach(k -> {
            if (isManifest(k)) {
                keys.add(k);
            }
        });
        Map<ObjectKey, Vouched> vouched = new HashMap<>();
        Map<Region, Map<ObjectKey, byte[]>> copies = new HashMap<>();
        for (RegionStore region : stores.regions()) {
            List<StoredManifest> chain = new ArrayList<>();
            Map<ObjectKey, byte[]> mine = new HashMap<>();
            for (ObjectKey key : keys) {
                Optional<StoredObject> read = read(region, key, report);
                read.ifPresent(o -> {
                    chain.add(new StoredManifest(key, o.bytes()));
                    mine.put(key, o.bytes());
                });
            }
            copies.put(region.region(), mine);
            ChainReport chainReport = ManifestChain.verify(expiredPrefixLink(chain, report), chain);
            for (ChainBreak b : chainReport.breaks()) {
                report.fail("manifest chain in " + region.describe() + ": " + b);
            }
            if (region.region() == Region.PRIMARY) {
                report.manifests(chainReport.manifestsVerified(), chainReport.head().map(Sha256::hex).orElse("none"));
            }
            for (StoredManifest m : chain) {
                collect(m, vouched, report);
            }
        }
        for (ObjectKey key : keys) {
            byte[] p = copies.get(Region.PRIMARY).get(key);
            byte[] b = copies.get(Region.BACKUP).get(key);
            if (p != null && b != null && !Sha256.of(p).equals(Sha256.of(b))) {
                report.fail("manifest " + key + " differs between primary and backup (SHA-256 " + Sha256.of(p) + " vs " + Sha256.of(b)
                        + "): one copy was altered");
            }
        }
        return vouched;
    }

    /**
     * The link the first held manifest must have: none for the tenant's first manifest; its own when the manifests
     * before it expired, i.e. it is the first of its hour and the retention plan needs no manifest of the hour before
     * (an expired prefix is not a broken chain; every link after this anchor is still checked). Otherwise none, so a
     * manifest missing where a kept point needs it shows as a broken link.
     */
    private Optional<Sha256> expiredPrefixLink(List<StoredManifest> chain, VerifyReport report) {
        if (chain.isEmpty()) {
            return Optional.empty();
        }
        StoredManifest first = chain.get(0);
        Manifest manifest;
        try {
            manifest = ManifestCodec.decode(first.bytes());
        } catch (ManifestFormatException e) {
            return Optional.empty(); // reported as a chain break
        }
        ManifestKey key = manifest.key();
        if (manifest.previous().isEmpty() || key.seq() != 0
                || needed.test(new ManifestKey(key.tenant(), new UtcHour(key.hour().epochHour() - 1), 0))) {
            return Optional.empty();
        }
        report.anchored("the manifest chain starts at " + first.key() + " (linked to " + manifest.previous().get().hex()
                + "): the manifests before it expired");
        return manifest.previous();
    }

    private static void collect(StoredManifest stored, Map<ObjectKey, Vouched> vouched, VerifyReport report) {
        Manifest manifest;
        try {
            manifest = ManifestCodec.decode(stored.bytes());
        } catch (ManifestFormatException e) {
            return; // already reported as a chain break
        }
        for (ManifestEntry e : manifest.entries()) {
            Vouched earlier = vouched.putIfAbsent(e.key(), new Vouched(e, stored.key()));
            if (earlier != null && !earlier.entry.equals(e)) {
                report.fail(e.key() + ": manifests " + earlier.manifest + " and " + stored.key() + " disagree on its checksum ("
                        + earlier.entry.sha256() + " vs " + e.sha256() + ")");
            }
        }
    }

    private void checkObject(TenantId tenant, ObjectKey key, Set<Region> regions, Vouched vouched, MarkCheck marks, VerifyReport report) {
        if (BaseVerifier.cutOf(key).isPresent() || LateNoticeVerifier.isNotice(key)) {
            // its content and presence are checked against its base.manifest, or what it names; an overwrite shows here like any other
            stores.regions().stream().filter(r -> regions.contains(r.region())).forEach(r -> versions(r, key, report));
            return;
        }
        for (RegionStore region : stores.regions()) {
            if (!regions.contains(region.region())) {
                if (vouched != null || isManifest(key)) {
                    report.fail(key + " is missing from " + region.describe() + (vouched != null ? " though manifest " + vouched.manifest
                            + " names it" : "") + ": the regions do not hold the same objects");
                } else {
                    report.warn(key + " is not in " + region.describe() + " yet (not sealed: an upload in flight?)");
                }
                continue;
            }
            versions(region, key, report);
            if (isManifest(key)) {
                continue; // checked through the chain
            }
            read(region, key, report).ifPresent(object -> {
                report.checked(object.bytes().length);
                if (vouched != null && !vouched.entry.matches(object.bytes())) {
                    report.fail(key + " in " + region.describe() + " is tampered or corrupt: SHA-256 " + Sha256.of(object.bytes()) + ", "
                            + object.bytes().length + " bytes; manifest " + vouched.manifest + " says " + vouched.entry.sha256() + ", "
                            + vouched.entry.size() + " bytes");
                } else if (vouched == null && !object.matchesDeclaredSha256()) {
                    report.fail(key + " in " + region.describe() + " does not match its declared SHA-256 "
                            + object.declaredSha256().map(Sha256::hex).orElse("(none)") + " and no manifest vouches for it: tampered or corrupt");
                } else if (MarkCheck.isMark(key)) {
                    report.mark();
                    marks.problems(key, object.bytes()).forEach(p -> report.fail(p + " (copy in " + region.describe() + ")"));
                } else {
                    if (vouched == null) {
                        report.unsealed(key.value());
                    }
                    checkTenant(tenant, key, region, stores.bodies(), object.bytes(), report);
                }
            });
        }
    }

    /** The events of a segment whose bytes matched (its body opened, if sealed): all of the tenant whose prefix holds it. */
    private static void checkTenant(TenantId tenant, ObjectKey key, RegionStore region, BodySealer bodies, byte[] bytes,
                                    VerifyReport report) {
        if (!isSegment(key)) {
            return;
        }
        try {
            SegmentTenants.requireTenant(bodies.open(key, bytes), tenant, key.value());
        } catch (ForeignTenantException | UnreadableSegmentException | UnopenableBodyException | DataKeyUnavailableException e) {
            report.fail(e.getMessage() + " (copy in " + region.describe() + ")");
        }
    }

    private static boolean isSegment(ObjectKey key) {
        try {
            BackupLayout.parseSegment(key);
            return true;
        } catch (InvalidObjectKeyException e) {
            return false;
        }
    }

    private static void versions(RegionStore region, ObjectKey key, VerifyReport report) {
        try {
            List<ObjectVersionInfo> versions = region.store().versions(key);
            if (versions.size() > 1) {
                report.fail(key + " has " + versions.size() + " versions in " + region.describe() + ": someone overwrote it"
                        + " (an overwrite attempt with a writer key?); restore reads the first version, first written "
                        + versions.get(0).lastModified());
            }
        } catch (StoreException e) {
            report.fail("cannot list the versions of " + key + " in " + region.describe() + ": " + e.getMessage());
        }
    }

    /** A listed object's first version; a copy that cannot be read is a failure of the report. */
    static Optional<StoredObject> read(RegionStore region, ObjectKey key, VerifyReport report) {
        try {
            Optional<StoredObject> read = region.store().get(key);
            if (read.isEmpty()) {
                report.fail(key + " was listed in " + region.describe() + " but cannot be read");
            }
            return read;
        } catch (StoreException e) {
            report.fail("cannot read " + key + " from " + region.describe() + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    private static boolean isManifest(ObjectKey key) {
        try {
            return BackupLayout.parse(key) instanceof ManifestKey;
        } catch (InvalidObjectKeyException e) {
            return false;
        }
    }

    private static void await(Future<?> check) {
        try {
            check.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("verify was interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }
}
