package dev.strata.restore.status;

import dev.strata.restore.plan.RestoreTime;
import java.util.Optional;

/**
 * How far one region holds a tenant's log: the latest commit time of its newest segment, or why it
 * is not known.
 */
public record RegionPoint(Optional<Long> durableUntilMicros, String whyUnknown) {

    public static RegionPoint at(Optional<Long> micros) {
        return new RegionPoint(micros, micros.isPresent() ? "" : "no segment");
    }

    public static RegionPoint unknown(String why) {
        return new RegionPoint(Optional.empty(), why);
    }

    /** For the table: the time, or the reason in parentheses. */
    public String cell() {
        return durableUntilMicros.map(RestoreTime::format).orElse("(" + whyUnknown + ")");
    }
}
