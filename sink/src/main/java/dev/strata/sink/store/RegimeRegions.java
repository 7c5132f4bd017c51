package dev.strata.sink.store;

import dev.strata.schemas.regime.RegionSettings;
import dev.strata.sink.SinkConfig;
import dev.strata.schemas.kafka.Topics;
import dev.strata.schemas.store.StoreLocation;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
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
                    + " point " + key(ownRegime, RegionSettings.BACKUP, SinkConfig.ENDPOINT) + " at the backup region's store");
        }
        refuseSharedBuckets(all);
        return own;
    }

    private static Set<String> namedRegimes(Properties source, String ownRegime) {
        Set<String> regimes = new TreeSet<>();
        regimes.add(ownRegime);
        for (String name : source.stringPropertyNames()) {
            if (name.startsWith(SinkConfig.REGIME_PREFIX)) {
                String rest = name.substring(SinkConfig.REGIME_PREFIX.length());
                int dot = rest.indexOf('.');
                if (dot > 0) {
                    regimes.add(Topics.requireRegimeName(rest.substring(0, dot)));
                }
            }
        }
        return regimes;
    }

    private static Optional<RegionSettings> region(Properties source, String regime, String role, boolean own) {
        String endpointKey = key(regime, role, SinkConfig.ENDPOINT);
        String bucketKey = key(regime, role, SinkConfig.BUCKET);
        String regionKey = key(regime, role, SinkConfig.SIGNING_REGION);
        String credentialsKey = key(regime, role, SinkConfig.CREDENTIALS_FILE);
        String credentials = source.getProperty(credentialsKey);
        if (!own) {
            if (credentials != null) {
                throw SinkConfig.invalid(credentialsKey + " is set, but this sink serves regime " + ownOf(source)
                        + ": a sink holds only its own regime's writer credentials; remove the key");
            }
            if (source.getProperty(bucketKey) == null) {
                return Optional.empty();
            }
        }
        String endpoint = SinkConfig.required(source, endpointKey, "the " + role + " store's URL, e.g. https://s3.eu-west-1.amazonaws.com");
        String bucket = SinkConfig.required(source, bucketKey, "the " + role + " region's bucket of regime " + regime);
        String signingRegion = SinkConfig.required(source, regionKey, "the region requests to the " + role + " store are signed for");
        StoreLocation location;
        try {
            location = new StoreLocation(new URI(endpoint), bucket, signingRegion);
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw SinkConfig.invalid(key(regime, role, "*") + ": " + e.getMessage());
        }
        Optional<Path> credentialsFile = Optional.empty();
        if (own) {
            credentialsFile = Optional.of(Path.of(SinkConfig.required(source, credentialsKey,
                    "the path of the " + role + " writer key file (access.key.id=..., secret.access.key=...)")));
        }
        return Optional.of(new RegionSettings(regime, role, location, credentialsFile));
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

    static String key(String regime, String role, String setting) {
        return SinkConfig.REGIME_PREFIX + regime + "." + role + "." + setting;
    }
}
