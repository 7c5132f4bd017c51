package dev.strata.restore.expire;

import dev.strata.schemas.layout.BaseCut;
import dev.strata.schemas.retention.RetentionPolicy;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The daily, weekly and monthly points of a policy: among the bases at or before the window's start,
 * the newest of each UTC day (ISO week, month), for the policy's number of most recent days (weeks,
 * months) that have a base. Counting periods that have one, as restic's keep-daily does, so a tenant
 * idle for a month still keeps its last N daily points.
 */
final class BaseTiers {
    private BaseTiers() {
    }

    /** For each base kept by a tier, the tiers that keep it. */
    static Map<BaseCut, List<Tier>> pick(List<BaseCut> beforeWindow, RetentionPolicy policy) {
        Map<BaseCut, List<Tier>> kept = new TreeMap<>();
        Map<Tier, Integer> counts = new EnumMap<>(Tier.class);
        counts.put(Tier.DAILY, policy.daily());
        counts.put(Tier.WEEKLY, policy.weekly());
        counts.put(Tier.MONTHLY, policy.monthly());
        counts.forEach((tier, count) -> newestPerPeriod(beforeWindow, period(tier)).stream().limit(count)
                .forEach(cut -> kept.computeIfAbsent(cut, c -> new ArrayList<>()).add(tier)));
        return kept;
    }

    /** Newest base per period, newest period first. */
    private static List<BaseCut> newestPerPeriod(List<BaseCut> cuts, Function<ZonedDateTime, Long> period) {
        TreeMap<Long, BaseCut> newest = new TreeMap<>();
        for (BaseCut cut : cuts) {
            newest.merge(period.apply(utc(cut)), cut, (a, b) -> a.compareTo(b) >= 0 ? a : b);
        }
        return new ArrayList<>(newest.descendingMap().values());
    }

    private static Function<ZonedDateTime, Long> period(Tier tier) {
        return switch (tier) {
            case DAILY -> t -> t.toLocalDate().toEpochDay();
            case WEEKLY -> t -> t.get(IsoFields.WEEK_BASED_YEAR) * 100L + t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR);
            case MONTHLY -> t -> t.getYear() * 100L + t.getMonthValue();
            default -> throw new IllegalArgumentException(tier + " is not a calendar tier");
        };
    }

    private static ZonedDateTime utc(BaseCut cut) {
        long micros = cut.cutCommitMicros();
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000), Math.floorMod(micros, 1_000_000) * 1_000L).atZone(ZoneOffset.UTC);
    }
}
