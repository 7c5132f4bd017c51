package dev.strata.restore.store;

import dev.strata.schemas.crypto.BodySealer;
import dev.strata.restore.BadInputException;
import dev.strata.schemas.store.ObjectStore;
import dev.strata.schemas.store.s3.S3ObjectStore;
import dev.strata.schemas.store.s3.StoreTimeouts;
import dev.strata.schemas.regime.RegionSettings;
import dev.strata.schemas.store.StoreCredentials;
import dev.strata.schemas.store.StoreLocation;
import dev.strata.schemas.store.VersionPolicy;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The primary and backup bucket of one regime, opened with the reader key for first-version reads, and
 * what opens its sealed bodies.
 */
public final class RegimeStores implements AutoCloseable {
    private final String regime;
    private final RegionStore primary;
    private final RegionStore backup;
    private final BodySealer bodies;

    /** Stores of bodies written before sealing only: a sealed one is refused (tests of the read path). */
    public RegimeStores(String regime, RegionStore primary, RegionStore backup) {
        this(regime, primary, backup, BodySealer.withoutKeys("these stores were opened without the regime's key store"));
    }

    public RegimeStores(String regime, RegionStore primary, RegionStore backup, BodySealer bodies) {
        this.regime = Objects.requireNonNull(regime, "regime");
        this.primary = Objects.requireNonNull(primary, "primary");
        this.backup = Objects.requireNonNull(backup, "backup");
        this.bodies = Objects.requireNonNull(bodies, "bodies");
    }

    /** Opens both buckets; nothing is sent until the first request, so an unreachable store shows later. */
    public static RegimeStores open(RegionSettings primary, RegionSettings backup, BodySealer bodies) {
        return open(primary, backup, StoreTimeouts.DEFAULT, bodies);
    }

    /** As {@link #open(RegionSettings, RegionSettings, BodySealer)}, every request bounded by {@code timeouts}. */
    public static RegimeStores open(RegionSettings primary, RegionSettings backup, StoreTimeouts timeouts, BodySealer bodies) {
        RegionStore p = openRegion(Region.PRIMARY, primary, timeouts);
        try {
            return new RegimeStores(primary.regime(), p, openRegion(Region.BACKUP, backup, timeouts), bodies);
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
    }

    private static RegionStore openRegion(Region region, RegionSettings settings, StoreTimeouts timeouts) {
        ObjectStore first = openOne(settings, VersionPolicy.FIRST_VERSION, timeouts);
        return new RegionStore(region, first, Optional.of(openOne(settings, VersionPolicy.LATEST_VERSION, timeouts)), settings.settingPrefix());
    }

    private static ObjectStore openOne(RegionSettings settings, VersionPolicy policy, StoreTimeouts timeouts) {
        StoreCredentials reader;
        StoreLocation location;
        try {
            reader = StoreCredentials.fromFile(settings.credentialsFile().orElseThrow());
            location = settings.location();
        } catch (IllegalArgumentException e) {
            // these messages name the file or value and never the secret
            throw new BadInputException("config " + settings.settingPrefix() + "*: " + e.getMessage());
        }
        return S3ObjectStore.open(location, reader, policy, timeouts);
    }

    public String regime() {
        return regime;
    }

    public RegionStore primary() {
        return primary;
    }

    public RegionStore backup() {
        return backup;
    }

    /** Opens the regime's sealed bodies (a body written before sealing is returned as it is). */
    public BodySealer bodies() {
        return bodies;
    }

    public RegionStore get(Region region) {
        return region == Region.PRIMARY ? primary : backup;
    }

    /** Primary first: the order in which reads are tried. */
    public List<RegionStore> regions() {
        return List.of(primary, backup);
    }

    @Override
    public void close() {
        try {
            primary.close();
        } finally {
            backup.close();
        }
    }
}
