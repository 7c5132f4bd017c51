package dev.strata.schemas.retention;

import dev.strata.schemas.config.ConfigSpec;
import dev.strata.schemas.config.ParsedConfig;
import dev.strata.schemas.config.Validators;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * The retention keys, the same in the sink (which locks each object it writes for as long as the
 * policy may need it) and in restore-tool (whose {@code expire} deletes what no kept point needs):
 * both must read one policy, so both define these keys from here.
 */
public final class RetentionKeys {
    public static final String WINDOW_MS = "strata.retention.window.ms";
    public static final long WINDOW_MS_DEFAULT = Duration.ofDays(7).toMillis();
    public static final String DAILY = "strata.retention.daily";
    public static final int DAILY_DEFAULT = 7;
    public static final String WEEKLY = "strata.retention.weekly";
    public static final int WEEKLY_DEFAULT = 4;
    public static final String MONTHLY = "strata.retention.monthly";
    public static final int MONTHLY_DEFAULT = 12;
    public static final String LOCK_MARGIN_MS = "strata.retention.lock.margin.ms";
    public static final long LOCK_MARGIN_MS_DEFAULT = Duration.ofDays(1).toMillis();
    public static final String REGIMES = "strata.retention.regimes";
    public static final String TENANTS = "strata.retention.tenants";

    /** The settings an override entry may name, as {@code <name>:<setting>=<value>[:<setting>=<value>...]}. */
    static final String SETTING_WINDOW_MS = "window.ms";
    static final String SETTING_DAILY = "daily";
    static final String SETTING_WEEKLY = "weekly";
    static final String SETTING_MONTHLY = "monthly";
    static final List<String> SETTINGS = List.of(SETTING_WINDOW_MS, SETTING_DAILY, SETTING_WEEKLY, SETTING_MONTHLY);

    private static final String OVERRIDE_FORMAT = "entries `<name>:<setting>=<value>[:<setting>=<value>...]`, settings "
            + String.join(", ", SETTINGS.stream().map(s -> "`" + s + "`").toList());

    private RetentionKeys() {
    }

    /** Adds the group "Retention" to a service's keys. */
    public static ConfigSpec.Builder define(ConfigSpec.Builder spec) {
        return spec.group("Retention")
                .optional(WINDOW_MS, Type.LONG, WINDOW_MS_DEFAULT, Validators.atLeast(PolicyOverrides.MIN_WINDOW_MS),
                        "Point-in-time window: every second of this last stretch can be restored (default 7 days).")
                .optional(DAILY, Type.INT, DAILY_DEFAULT, Validators.atLeast(0),
                        "Beyond the window, the newest base of each of this many last days (that have one) is kept as a restore point.")
                .optional(WEEKLY, Type.INT, WEEKLY_DEFAULT, Validators.atLeast(0),
                        "...and the newest base of each of this many last ISO weeks...")
                .optional(MONTHLY, Type.INT, MONTHLY_DEFAULT, Validators.atLeast(0),
                        "...and of this many last months. 0 keeps none of a tier.")
                .optional(LOCK_MARGIN_MS, Type.LONG, LOCK_MARGIN_MS_DEFAULT, Validators.atLeast(0),
                        "Object Lock beyond the policy's need: the sink locks (COMPLIANCE) each segment, manifest, mark and late"
                                + " notice until write time + window + this, and each base until write time + window + its longest"
                                + " tier (days x1, weeks x7, months x31 days) + this. Keep it at least the base interval: a log"
                                + " object is needed until a base after it falls out of the window.")
                .optional(REGIMES, Type.LIST, "", null,
                        "Per-regime policy, over the keys above: " + OVERRIDE_FORMAT + ", e.g. `eu:window.ms=2592000000:monthly=24`.")
                .optional(TENANTS, Type.LIST, "", null,
                        "Per-tenant policy, over its regime's: " + OVERRIDE_FORMAT + ", e.g. `acme:daily=30`.");
    }

    /** The policies the parsed keys set; refuses a malformed override naming the key and the fix. */
    public static RetentionPolicies read(ParsedConfig config) {
        RetentionPolicy defaults = new RetentionPolicy(config.millis(WINDOW_MS), config.intValue(DAILY), config.intValue(WEEKLY),
                config.intValue(MONTHLY));
        return new RetentionPolicies(defaults, PolicyOverrides.parse(REGIMES, config.list(REGIMES)),
                PolicyOverrides.parse(TENANTS, config.list(TENANTS)), config.millis(LOCK_MARGIN_MS));
    }
}
