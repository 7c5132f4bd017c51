package dev.strata.capture.databases;

import dev.strata.capture.CaptureConfig;
import dev.strata.capture.CaptureConfigDef;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * One capture process, several source databases ({@value CaptureConfig#DATABASES}): splits one
 * properties file into one configuration per database, each the shared keys overridden by its own
 * {@code strata.capture.databases.<id>.} keys, named {@code <name>-<id>} with slot {@code <slot>_<id>}
 * unless it names its own. Each database is then an engine of its own with its own offsets key, so
 * adding one is a config change and a restart.
 */
public final class CaptureDatabases {
    static final Pattern ID = Pattern.compile("[a-z0-9_]{1,20}");
    private static final String PREFIX = CaptureConfig.DATABASES + ".";

    private CaptureDatabases() {
    }

    /** Reads capture.properties: one configuration per database; the passwords from the environment or their files. */
    public static List<CaptureConfig> load(Path file) {
        return configs(CaptureConfig.read(file), System::getenv);
    }

    /** One configuration per database; the file itself when {@value CaptureConfig#DATABASES} is empty. */
    public static List<CaptureConfig> configs(Properties properties, Function<String, String> environment) {
        List<CaptureConfig> configs = new ArrayList<>();
        for (Properties one : split(properties)) {
            configs.add(CaptureConfig.from(one, environment));
        }
        requireDistinct(configs);
        return configs;
    }

    static List<Properties> split(Properties properties) {
        Set<String> ids = ids(properties);
        Properties shared = new Properties();
        Map<String, Properties> own = new HashMap<>();
        for (String key : properties.stringPropertyNames()) {
            String value = properties.getProperty(key);
            if (key.equals(CaptureConfig.DATABASES)) {
                continue;
            }
            if (!key.startsWith(PREFIX)) {
                shared.setProperty(key, value);
                continue;
            }
            String rest = key.substring(PREFIX.length());
            int dot = rest.indexOf('.');
            String id = dot < 0 ? rest : rest.substring(0, dot);
            if (dot < 0 || !ids.contains(id)) {
                throw CaptureConfigDef.SPEC.invalid(key + " names database '" + id + "', which is not in " + CaptureConfig.DATABASES
                        + "=" + String.join(",", ids) + ": add it there, or remove the key");
            }
            String setting = rest.substring(dot + 1);
            if (setting.equals(CaptureConfig.METRICS_PORT) || setting.equals(CaptureConfig.BOOTSTRAP_SERVERS)) {
                throw CaptureConfigDef.SPEC.invalid(key + ": " + setting + " is one per capture process, not per database: set it"
                        + " without the " + PREFIX + id + ". prefix");
            }
            own.computeIfAbsent(id, x -> new Properties()).setProperty(setting, value);
        }
        if (ids.isEmpty()) {
            return List.of(shared);
        }
        List<Properties> split = new ArrayList<>();
        for (String id : ids) {
            Properties one = new Properties();
            one.putAll(shared);
            one.setProperty(CaptureConfig.NAME, shared.getProperty(CaptureConfig.NAME, CaptureConfig.NAME_DEFAULT) + "-" + id);
            one.setProperty(CaptureConfig.SLOT, shared.getProperty(CaptureConfig.SLOT, CaptureConfig.SLOT_DEFAULT) + "_" + id);
            one.putAll(own.getOrDefault(id, new Properties()));
            split.add(one);
        }
        return split;
    }

    private static Set<String> ids(Properties properties) {
        Set<String> ids = new LinkedHashSet<>();
        for (String id : properties.getProperty(CaptureConfig.DATABASES, CaptureConfig.DATABASES_DEFAULT).split(",")) {
            String trimmed = id.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            if (!ID.matcher(trimmed).matches() || !ids.add(trimmed)) {
                throw CaptureConfigDef.SPEC.invalid(CaptureConfig.DATABASES + " entry '" + trimmed + "' must be a distinct id of 1-20"
                        + " of a-z, 0-9, _ (it names the database's keys and its slot)");
            }
        }
        return ids;
    }

    /** Two engines on one name would share offsets; on one slot, one would steal the other's changes. */
    private static void requireDistinct(List<CaptureConfig> configs) {
        Set<String> names = new LinkedHashSet<>();
        Set<String> slots = new LinkedHashSet<>();
        for (CaptureConfig config : configs) {
            if (!names.add(config.name())) {
                throw CaptureConfigDef.SPEC.invalid("two databases are named " + config.name() + " (" + CaptureConfig.NAME
                        + "): each needs its own, it keys its offsets");
            }
            String slot = config.databaseHost() + ":" + config.databasePort() + "/" + config.slot();
            if (!slots.add(slot)) {
                throw CaptureConfigDef.SPEC.invalid("two databases use slot " + config.slot() + " on " + config.databaseHost() + ":"
                        + config.databasePort() + ": a slot belongs to one database, give each its own " + CaptureConfig.SLOT);
            }
        }
    }
}
