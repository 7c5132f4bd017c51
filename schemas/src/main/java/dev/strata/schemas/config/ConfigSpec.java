package dev.strata.schemas.config;

import dev.strata.schemas.regime.RegimeSettings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.ConfigKey;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Validator;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

/**
 * One service's keys and the one parser of every service's properties file. The keys are a Kafka
 * {@link ConfigDef} (type, default, validator and doc each); on top, what ConfigDef cannot say:
 * a {@code strata.} key that is not defined is an error naming the closest known key (a typo would
 * otherwise fall back to the default without a word), and the patterned region keys
 * {@code strata.regime.<r>.<primary|backup>.<setting>}, which {@link RegimeSettings} reads, may
 * carry only the settings the service names. Keys outside {@code strata.} are the Kafka clients'
 * (or Debezium's), which check their own.
 *
 * <p>Every refusal is an {@link IllegalArgumentException} that starts with the service's label,
 * names the key and says the fix. Values are shown only for keys that are not of type PASSWORD;
 * Strata's own keys hold file paths, never secrets.
 */
public final class ConfigSpec {
    public static final String STRATA_PREFIX = "strata.";

    private final String label;
    private final String reference;
    private final ConfigDef definition;
    private final Map<String, String> examples;
    private final List<String> regimeSettings;

    private ConfigSpec(Builder builder) {
        this.label = builder.label;
        this.reference = builder.reference;
        this.definition = new ConfigDef(builder.definition);
        this.examples = Map.copyOf(builder.examples);
        this.regimeSettings = List.copyOf(builder.regimeSettings);
    }

    /**
     * @param label starts every message, e.g. {@code "sink config"}
     * @param reference where an operator finds every key, e.g. {@code "sink/README.md"}
     */
    public static Builder builder(String label, String reference) {
        return new Builder(label, reference);
    }

    public String label() {
        return label;
    }

    public String reference() {
        return reference;
    }

    /** A copy: callers may render it, never change this spec. */
    public ConfigDef definition() {
        return new ConfigDef(definition);
    }

    /** The example value of a key, for messages and the generated reference. */
    public Optional<String> example(String key) {
        return Optional.ofNullable(examples.get(key));
    }

    /** Settings a region may have under {@code strata.regime.<r>.<role>.}; empty when the service reads none. */
    public List<String> regimeSettings() {
        return regimeSettings;
    }

    /**
     * Every problem of {@code source} at once (unknown keys, missing required keys, values of the
     * wrong type or out of range), so that one start shows them all.
     */
    public ParsedConfig parse(Properties source) {
        Objects.requireNonNull(source, "source");
        List<String> problems = new ArrayList<>();
        for (String key : new TreeSet<>(source.stringPropertyNames())) {
            if (key.startsWith(STRATA_PREFIX) && !definition.configKeys().containsKey(key)) {
                unknownKeyProblem(key).ifPresent(problems::add);
            }
        }
        Map<String, Object> values = new HashMap<>();
        for (ConfigKey key : definition.configKeys().values()) {
            String raw = source.getProperty(key.name);
            if (raw == null || raw.isBlank()) {
                // blank is unset, as the services always read it: "key=" in a file keeps the default
                if (key.hasDefault()) {
                    values.put(key.name, key.defaultValue);
                } else {
                    problems.add(missingProblem(key.name));
                }
                continue;
            }
            parseValue(key, raw, problems).ifPresent(value -> values.put(key.name, value));
        }
        if (!problems.isEmpty()) {
            throw invalid(String.join("; ", problems));
        }
        return new ParsedConfig(this, values, source);
    }

    /** "{@code <label>: <problem>}". */
    public IllegalArgumentException invalid(String problem) {
        return new IllegalArgumentException(label + ": " + problem);
    }

    /** For a key a service requires only for some uses (restore-tool's drill keys): the same message as at parse. */
    public IllegalArgumentException missing(String key) {
        return invalid(missingProblem(key));
    }

    private String missingProblem(String key) {
        String doc = definition.configKeys().get(key).documentation;
        return key + " is missing: set it" + example(key).map(e -> ", for example " + key + "=" + e).orElse("") + ". "
                + doc.replace("`", "");
    }

    private Optional<Object> parseValue(ConfigKey key, String raw, List<String> problems) {
        String shown = key.type == Type.PASSWORD ? "(hidden)" : raw.trim();
        Object value;
        try {
            value = ConfigDef.parseType(key.name, raw, key.type);
        } catch (ConfigException e) {
            problems.add(key.name + "=" + shown + " is not " + typeName(key.type) + defaultHint(key));
            return Optional.empty();
        }
        if (key.validator != null) {
            try {
                key.validator.ensureValid(key.name, value);
            } catch (ConfigException e) {
                problems.add(key.name + "=" + shown + " is invalid: " + reason(key.name, e) + defaultHint(key));
                return Optional.empty();
            }
        }
        return Optional.of(value);
    }

    /** ConfigException's message is "Invalid value V for configuration K: reason"; the reason alone reads better here. */
    private static String reason(String key, ConfigException e) {
        String message = String.valueOf(e.getMessage());
        String marker = " for configuration " + key + ": ";
        int at = message.indexOf(marker);
        String reason = at < 0 ? message : message.substring(at + marker.length());
        return reason.isEmpty() ? reason : Character.toLowerCase(reason.charAt(0)) + reason.substring(1);
    }

    private static String defaultHint(ConfigKey key) {
        if (!key.hasDefault() || key.defaultValue == null || key.type == Type.PASSWORD) {
            return "";
        }
        String shown = ConfigDef.convertToString(key.defaultValue, key.type);
        return shown.isEmpty() ? "" : " (default " + shown + ")";
    }

    static String typeName(Type type) {
        return switch (type) {
            case INT, SHORT, LONG -> "a whole number";
            case DOUBLE -> "a number";
            case BOOLEAN -> "true or false";
            case LIST -> "a comma-separated list";
            case CLASS -> "a class name";
            default -> "a " + type.name().toLowerCase(Locale.ROOT);
        };
    }

    private Optional<String> unknownKeyProblem(String key) {
        Optional<List<String>> regionKeys = regionKeysLike(key);
        if (regionKeys.isPresent()) {
            if (regionKeys.get().contains(key)) {
                return Optional.empty();
            }
            String closest = KeySuggestions.closest(key, regionKeys.get()).orElseThrow();
            if (KeySuggestions.isLikely(key, closest)) {
                return Optional.of("unknown key " + key + ": did you mean " + closest + "?");
            }
            return Optional.of("unknown key " + key + ": a region is set by " + RegimeSettings.PREFIX + "<regime>.<"
                    + String.join("|", RegimeSettings.ROLES) + ">.<setting> with the settings " + String.join(", ", regimeSettings));
        }
        List<String> known = definition.names().stream().filter(name -> name.startsWith(STRATA_PREFIX)).sorted().toList();
        Optional<String> closest = KeySuggestions.closest(key, known);
        if (closest.isPresent() && KeySuggestions.isLikely(key, closest.get())) {
            return Optional.of("unknown key " + key + ": did you mean " + closest.get() + "?");
        }
        return Optional.of("unknown key " + key + ": " + closest.map(c -> "no known key is close (the nearest is " + c + ")")
                .orElse("this service reads no strata. keys") + "; every key is listed in " + reference);
    }

    /** The region keys of the regime {@code key} names, when it is under {@code strata.regime.<r>.} and the service reads regions. */
    private Optional<List<String>> regionKeysLike(String key) {
        if (regimeSettings.isEmpty() || !key.startsWith(RegimeSettings.PREFIX)) {
            return Optional.empty();
        }
        String rest = key.substring(RegimeSettings.PREFIX.length());
        int dot = rest.indexOf('.');
        if (dot <= 0) {
            return Optional.empty();
        }
        String regime = rest.substring(0, dot);
        List<String> keys = new ArrayList<>();
        RegimeSettings.REGIME_WIDE_SETTINGS.forEach(setting -> keys.add(RegimeSettings.regimeKey(regime, setting)));
        for (String role : RegimeSettings.ROLES) {
            for (String setting : regimeSettings) {
                keys.add(RegimeSettings.key(regime, role, setting));
            }
        }
        return Optional.of(keys);
    }

    /** Keys in groups, in the order they are defined: the order of the generated reference. */
    public static final class Builder {
        private final String label;
        private final String reference;
        private final ConfigDef definition = new ConfigDef();
        private final Map<String, String> examples = new LinkedHashMap<>();
        private final List<String> regimeSettings = new ArrayList<>();
        private String group = "";
        private int orderInGroup;

        private Builder(String label, String reference) {
            this.label = Objects.requireNonNull(label, "label");
            this.reference = Objects.requireNonNull(reference, "reference");
        }

        /** The following keys belong to {@code name}: a section of the reference. */
        public Builder group(String name) {
            this.group = name;
            this.orderInGroup = 0;
            return this;
        }

        /** A key without a default: the service does not start without it. */
        public Builder required(String key, Type type, Validator validator, String doc, String example) {
            examples.put(key, Objects.requireNonNull(example, "example"));
            return define(key, type, ConfigDef.NO_DEFAULT_VALUE, validator, Importance.HIGH, doc, null);
        }

        /** @param defaultValue null: unset unless given (the doc says what unset means) */
        public Builder optional(String key, Type type, Object defaultValue, Validator validator, String doc) {
            return define(key, type, defaultValue, validator, Importance.MEDIUM, doc, null);
        }

        /** @param shownDefault the default as the reference shows it, when it is computed (java.io.tmpdir) */
        public Builder optional(String key, Type type, Object defaultValue, Validator validator, String doc, String shownDefault) {
            return define(key, type, defaultValue, validator, Importance.MEDIUM, doc, shownDefault);
        }

        /** An example value for the reference (and for messages) of a key that has no default. */
        public Builder example(String key, String value) {
            examples.put(key, value);
            return this;
        }

        /** The service reads regions: these settings are allowed under {@code strata.regime.<r>.<role>.}. */
        public Builder regimeSettings(List<String> settings) {
            regimeSettings.addAll(settings);
            return this;
        }

        public ConfigSpec build() {
            return new ConfigSpec(this);
        }

        private Builder define(String key, Type type, Object defaultValue, Validator validator, Importance importance, String doc,
                String shownDefault) {
            definition.define(key, type, defaultValue, validator, importance, doc, group, ++orderInGroup, Width.NONE, key,
                    List.of(), null, shownDefault);
            return this;
        }
    }
}
