package dev.strata.schemas.retention;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Overrides of the retention settings by name (a regime or a tenant), parsed from one list key. */
final class PolicyOverrides {
    static final long MIN_WINDOW_MS = 1_000;
    private final Map<String, Map<String, Long>> byName;

    private PolicyOverrides(Map<String, Map<String, Long>> byName) {
        this.byName = byName;
    }

    static PolicyOverrides none() {
        return new PolicyOverrides(Map.of());
    }

    static PolicyOverrides parse(String key, List<String> entries) {
        Map<String, Map<String, Long>> byName = new HashMap<>();
        for (String entry : entries) {
            String[] parts = entry.trim().split(":");
            if (parts.length < 2 || parts[0].isBlank()) {
                throw invalid(key, entry, "expected <name>:<setting>=<value>[:<setting>=<value>...]");
            }
            Map<String, Long> settings = new HashMap<>();
            for (int i = 1; i < parts.length; i++) {
                String[] pair = parts[i].split("=", 2);
                if (pair.length != 2 || !RetentionKeys.SETTINGS.contains(pair[0].trim())) {
                    throw invalid(key, entry, "'" + parts[i] + "' is not <setting>=<value> with a setting of " + RetentionKeys.SETTINGS);
                }
                long value;
                try {
                    value = Long.parseLong(pair[1].trim());
                } catch (NumberFormatException e) {
                    throw invalid(key, entry, "'" + pair[1].trim() + "' is not a whole number");
                }
                long least = pair[0].trim().equals(RetentionKeys.SETTING_WINDOW_MS) ? MIN_WINDOW_MS : 0;
                if (value < least || value > Integer.MAX_VALUE && !pair[0].trim().equals(RetentionKeys.SETTING_WINDOW_MS)) {
                    throw invalid(key, entry, pair[0].trim() + "=" + value + " is out of range: at least " + least);
                }
                settings.put(pair[0].trim(), value);
            }
            if (byName.put(parts[0].trim(), settings) != null) {
                throw invalid(key, entry, parts[0].trim() + " is named twice; give it one entry");
            }
        }
        return new PolicyOverrides(Map.copyOf(byName));
    }

    Set<String> names() {
        return byName.keySet();
    }

    /** {@code base} with what {@code name}'s entry sets. */
    RetentionPolicy apply(String name, RetentionPolicy base) {
        Map<String, Long> settings = byName.get(name);
        if (settings == null) {
            return base;
        }
        Duration window = Optional.ofNullable(settings.get(RetentionKeys.SETTING_WINDOW_MS)).map(Duration::ofMillis).orElse(base.window());
        return new RetentionPolicy(window, intOf(settings, RetentionKeys.SETTING_DAILY, base.daily()),
                intOf(settings, RetentionKeys.SETTING_WEEKLY, base.weekly()), intOf(settings, RetentionKeys.SETTING_MONTHLY, base.monthly()));
    }

    private static int intOf(Map<String, Long> settings, String setting, int fallback) {
        Long value = settings.get(setting);
        return value == null ? fallback : Math.toIntExact(value);
    }

    private static IllegalArgumentException invalid(String key, String entry, String problem) {
        return new IllegalArgumentException(key + ": entry '" + entry + "' is invalid: " + problem);
    }
}
