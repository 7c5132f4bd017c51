package dev.strata.schemas.crypto;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.IsoFields;
import java.util.Locale;

/**
 * How often a tenant gets a new data key: the period a body's content time falls in names the key
 * that seals it. Monthly by default; shorter periods make an erasure's keys more numerous, not safer.
 */
public enum KeyRotation {
    MONTHLY, WEEKLY, DAILY;

    public static final KeyRotation DEFAULT = MONTHLY;
    private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("yyyyMM", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd", Locale.ROOT).withZone(ZoneOffset.UTC);

    /** The period's label, e.g. {@code 202612}, {@code 2026W49}, {@code 20261205} (UTC). */
    public String period(Instant contentTime) {
        switch (this) {
            case MONTHLY:
                return MONTH.format(contentTime);
            case WEEKLY:
                var date = contentTime.atZone(ZoneOffset.UTC);
                return String.format(Locale.ROOT, "%04dW%02d", date.get(IsoFields.WEEK_BASED_YEAR), date.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
            case DAILY:
                return DAY.format(contentTime);
            default:
                throw new IllegalStateException("unknown rotation " + this);
        }
    }

    /** Parses a config value such as {@code monthly}; the message lists the choices. */
    public static KeyRotation parse(String value, String setting) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(setting + " is '" + value + "': use monthly, weekly or daily", e);
        }
    }
}
