package dev.strata.schemas.regime;

import dev.strata.schemas.kafka.Topics;
import dev.strata.schemas.store.StoreLocation;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * The one reader of the {@code strata.regime.<r>.<primary|backup>.*} keys, for every service that
 * opens a regime's stores (sink, restore-tool, drills). Errors name the key to fix; they are
 * {@link IllegalArgumentException}s that each service reports as its own config error.
 */
public final class RegimeSettings {
    public static final String PREFIX = "strata.regime.";
    public static final String ENDPOINT = "endpoint";
    public static final String BUCKET = "bucket";
    public static final String SIGNING_REGION = "region";
    public static final String CREDENTIALS_FILE = "credentials.file";
    /**
     * The region's key store bucket (unlocked, unversioned: its data keys can be destroyed), on the same endpoint; read
     * and written with the same credentials as the region's bucket. Default: the region's bucket name plus
     * {@value #KEYS_BUCKET_DEFAULT_SUFFIX}.
     */
    public static final String KEYS_BUCKET = "keys.bucket";
    public static final String KEYS_BUCKET_DEFAULT_SUFFIX = "-keys";
    /** Every setting a region takes here; a service may accept more (restore-tool's drill keys). */
    public static final List<String> SETTINGS = List.of(ENDPOINT, BUCKET, SIGNING_REGION, CREDENTIALS_FILE, KEYS_BUCKET);
    /**
     * {@code strata.regime.<r>.kek.file}: the regime's key-encryption key (base64 of 32 random bytes), which wraps its
     * tenants' data keys; a secret that never enters a bucket.
     */
    public static final String KEK_FILE = "kek.file";
    /** The settings of a whole regime, {@code strata.regime.<r>.<setting>}, beside its regions'. */
    public static final List<String> REGIME_WIDE_SETTINGS = List.of(KEK_FILE);
    public static final List<String> ROLES = List.of(RegionSettings.PRIMARY, RegionSettings.BACKUP);

    private RegimeSettings() {
    }

    /** {@code strata.regime.<regime>.<role>.<setting>} */
    public static String key(String regime, String role, String setting) {
        return PREFIX + regime + "." + role + "." + setting;
    }

    /** {@code strata.regime.<regime>.<setting>}: a setting of the whole regime. */
    public static String regimeKey(String regime, String setting) {
        return PREFIX + regime + "." + setting;
    }

    /** Every regime named by a {@code strata.regime.<r>.} key, validated as a regime name. */
    public static Set<String> namedRegimes(Properties source) {
        Set<String> regimes = new TreeSet<>();
        for (String name : source.stringPropertyNames()) {
            if (name.startsWith(PREFIX)) {
                String rest = name.substring(PREFIX.length());
                int dot = rest.indexOf('.');
                if (dot > 0) {
                    regimes.add(Topics.requireRegimeName(rest.substring(0, dot)));
                }
            }
        }
        return regimes;
    }

    /**
     * One region with the file of the keys this service uses there.
     *
     * @param keyHolder whose keys the file holds, for the message when it is missing (e.g. "writer", "READER")
     */
    public static RegionSettings withCredentials(Properties source, String regime, String role, String keyHolder) {
        StoreLocation location = location(source, regime, role);
        String file = required(source, key(regime, role, CREDENTIALS_FILE),
                "the path of the " + role + " region's " + keyHolder + " key file (access.key.id=..., secret.access.key=...)");
        return new RegionSettings(regime, role, location, Optional.of(Path.of(file)));
    }

    /** One region's place only: another regime's, which a service may name but must hold no keys for. */
    public static RegionSettings placeOnly(Properties source, String regime, String role) {
        return new RegionSettings(regime, role, location(source, regime, role), Optional.empty());
    }

    private static StoreLocation location(Properties source, String regime, String role) {
        String endpoint = required(source, key(regime, role, ENDPOINT),
                "the " + role + " store's URL, e.g. https://s3.eu-west-1.amazonaws.com");
        String bucket = required(source, key(regime, role, BUCKET), "the " + role + " region's bucket of regime " + regime);
        String signingRegion = required(source, key(regime, role, SIGNING_REGION),
                "the region requests to the " + role + " store are signed for, e.g. eu-west-1");
        try {
            return new StoreLocation(new URI(endpoint), bucket, signingRegion);
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new IllegalArgumentException(key(regime, role, "*") + ": " + e.getMessage()
                    + " (the endpoint must be a URL such as http://127.0.0.1:8000)", e);
        }
    }

    private static String required(Properties source, String key, String what) {
        String value = source.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(key + " is missing: set it to " + what);
        }
        return value.trim();
    }
}
