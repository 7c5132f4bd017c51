package dev.strata.sink.store;

import dev.strata.schemas.regime.RegimeSettings;
import dev.strata.schemas.regime.RegionSettings;
import dev.strata.sink.SinkConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the {@code strata.regime.<r>.<primary|backup>.*} settings and refuses the layouts that would
 * break a backup rule: a backup in the same place as its primary (no separate location), two
 * regimes sharing a bucket (one regime's data readable through the other's keys), and keys of
 * another regime in this sink's config (a sink holds only its own regime's writer credentials).
 */
public final class RegimeRegions {
    private static final List<String> ROLES = List.of(RegionSettings.PRIMARY, RegionSettings.BACKUP);

    private RegimeRegions() {
    }

    /** The own regime's primary and backup, after checking every regime named in {@code source}. */
    public static Map<String, RegionSettings> parse(Properties source, String ownRegime) {
        Map<String, RegionSettings> own = new HashMap<>();
        List<RegionSettings> all = new ArrayList<>();
        for (String regime : namedRegimes(source, ownRegime)) {
            boolean isOwn = regime.equals(ownRegime);
            for (String role : ROLES) {
                Optional<RegionSettings> region = region(source, regime, role, isOwn);
                region.ifPresent(all::add);
                if (isOwn) {
                    own.put(role, region.orElseThrow());
                }
            }
        }
        RegionSettings primary = own.get(RegionSettings.PRIMARY);
        RegionSettings backup = own.get(RegionSettings.BACKUP);
        if (primary.samePlaceAs(backup)) {
            throw SinkConfig.invalid("regime " + ownRegime + ": primary and backup are the same place (" + primary.location().describe()
                    + ", signing region " + primary.location().signingRegion() + "): a backup must be in a separate location;"
                    + " point " + RegimeSettings.key(ownRegime, RegionSettings.BACKUP, RegimeSettings.ENDPOINT) + " at the backup region's store");
        }
        refuseSharedBuckets(all);
        return own;
    }

    private static Set<String> namedRegimes(Properties source, String ownRegime) {
        Set<String> regimes = new TreeSet<>(RegimeSettings.namedRegimes(source));
        regimes.add(ownRegime);
        return regimes;
    }

    private static Optional<RegionSettings> region(Properties source, String regime, String role, boolean own) {
        try {
            if (own) {
                return Optional.of(RegimeSettings.withCredentials(source, regime, role, "writer"));
            }
            String credentialsKey = RegimeSettings.key(regime, role, RegimeSettings.CREDENTIALS_FILE);
            if (source.getProperty(credentialsKey) != null) {
                throw new IllegalArgumentException(credentialsKey + " is set, but this sink serves regime " + ownOf(source)
                        + ": a sink holds only its own regime's writer credentials; remove the key");
            }
            if (source.getProperty(RegimeSettings.key(regime, role, RegimeSettings.BUCKET)) == null) {
                return Optional.empty();
            }
            return Optional.of(RegimeSettings.placeOnly(source, regime, role));
        } catch (IllegalArgumentException e) {
            throw SinkConfig.invalid(e.getMessage());
        }
    }

    private static void refuseSharedBuckets(List<RegionSettings> all) {
        // Bucket names are global on AWS, so a name shared by two regimes is refused whatever the endpoints.
        Map<String, RegionSettings> byBucket = new HashMap<>();
        for (RegionSettings region : all) {
            RegionSettings earlier = byBucket.putIfAbsent(region.location().bucket(), region);
            if (earlier != null && !earlier.regime().equals(region.regime())) {
                throw SinkConfig.invalid("bucket '" + region.location().bucket() + "' is used by both " + earlier.describe()
                        + " and " + region.describe() + ": each regime needs its own buckets, or one regime's data"
                        + " would be reachable with the other's keys; give one of them another bucket");
            }
        }
    }

    private static String ownOf(Properties source) {
        return source.getProperty(SinkConfig.REGIME, "?").trim();
    }
}
