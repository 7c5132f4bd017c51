package dev.strata.schemas.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A properties file after {@link ConfigSpec#parse}: every defined key typed and validated (or its
 * default), and the file's own text for the keys that pass through to Kafka or Debezium. Asking
 * for a key the spec does not define, or as another type, is a programming error.
 */
public final class ParsedConfig {
    private final ConfigSpec spec;
    private final Map<String, Object> values;
    private final Properties source;

    ParsedConfig(ConfigSpec spec, Map<String, Object> values, Properties source) {
        this.spec = spec;
        this.values = values;
        this.source = new Properties();
        this.source.putAll(source);
    }

    public ConfigSpec spec() {
        return spec;
    }

    /** Null when the key is unset and has no default. */
    public String string(String key) {
        return value(key, String.class);
    }

    public int intValue(String key) {
        return value(key, Integer.class);
    }

    public long longValue(String key) {
        return value(key, Long.class);
    }

    /** A LONG key in milliseconds. */
    public Duration millis(String key) {
        return Duration.ofMillis(longValue(key));
    }

    public boolean bool(String key) {
        return value(key, Boolean.class);
    }

    /** Null when the key is unset and has no default. */
    @SuppressWarnings("unchecked")
    public List<String> list(String key) {
        List<String> list = value(key, List.class);
        return list == null ? null : List.copyOf(list);
    }

    /** Whether the file sets the key (not blank), as opposed to its default applying. */
    public boolean isSet(String key) {
        value(key, Object.class);
        String raw = source.getProperty(key);
        return raw != null && !raw.isBlank();
    }

    /** Every key of the file that does not start with {@code strata.}, unchanged: the Kafka clients' and Debezium's. */
    public Properties passThrough() {
        Properties out = new Properties();
        for (String key : source.stringPropertyNames()) {
            if (!key.startsWith(ConfigSpec.STRATA_PREFIX)) {
                out.setProperty(key, source.getProperty(key));
            }
        }
        return out;
    }

    /** The file as given, for readers of patterned keys ({@code RegimeSettings}); a copy. */
    public Properties source() {
        Properties copy = new Properties();
        copy.putAll(source);
        return copy;
    }

    private <T> T value(String key, Class<T> type) {
        if (!values.containsKey(key)) {
            throw new IllegalStateException(spec.label() + " does not define " + key);
        }
        Object value = values.get(key);
        if (value != null && !type.isInstance(value)) {
            throw new IllegalStateException(key + " is a " + value.getClass().getSimpleName() + ", not a " + type.getSimpleName());
        }
        return type.cast(value);
    }
}
