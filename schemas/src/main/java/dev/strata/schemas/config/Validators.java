package dev.strata.schemas.config;

import dev.strata.schemas.kafka.Topics;
import java.util.List;
import java.util.function.LongPredicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.common.config.ConfigDef.Validator;
import org.apache.kafka.common.config.ConfigException;

/**
 * Validators whose {@code toString} reads well in a key reference ("at least 1", "0 to 65535") and
 * whose refusals say what is allowed. A null value is an optional key left unset: always valid
 * (ConfigDef also checks each default, which may be null).
 */
public final class Validators {
    private Validators() {
    }

    public static Validator atLeast(long min) {
        return atLeast(min, null);
    }

    /** @param why appended to the refusal: what a smaller value would break and the fix */
    public static Validator atLeast(long min, String why) {
        return number("at least " + min, value -> value >= min, "must be at least " + min + (why == null ? "" : ": " + why));
    }

    public static Validator between(long min, long max) {
        return number(min + " to " + max, value -> value >= min && value <= max, "must be from " + min + " to " + max);
    }

    /** 0 turns the endpoint off. */
    public static Validator port() {
        return number("0 (off) to 65535", value -> value >= 0 && value <= 65_535, "must be a port from 1 to 65535, or 0 for off");
    }

    public static Validator oneOf(String... values) {
        List<String> allowed = List.of(values);
        return validator(String.join(", ", allowed), (name, value) -> {
            if (value != null && !allowed.contains(value)) {
                throw new ConfigException(name, value, "must be one of " + String.join(", ", allowed));
            }
        });
    }

    /** Each value (a string, or every element of a list but empty ones, as in "a,,b") must match {@code pattern}. */
    public static Validator matches(Pattern pattern, String description) {
        return validator(description, (name, value) -> {
            for (Object element : value instanceof List<?> list ? list : value == null ? List.of() : List.of(value)) {
                if (!(value instanceof List<?> && element.toString().isEmpty()) && !pattern.matcher(element.toString()).matches()) {
                    throw new ConfigException(name, value, "'" + element + "' is not " + description);
                }
            }
        });
    }

    /** Regime names (one, or each of a list): they become topic and key names, see {@link Topics#requireRegimeName}. */
    public static Validator regimeNames() {
        return validator("regime names (1-32 of a-z, 0-9, -)", (name, value) -> {
            for (Object element : value instanceof List<?> list ? list : value == null ? List.of() : List.of(value)) {
                try {
                    Topics.requireRegimeName(element.toString());
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(name, value, e.getMessage());
                }
            }
        });
    }

    /** A Java regular expression; {@code example} goes into the refusal. */
    public static Validator regex(String example) {
        return validator("a Java regular expression", (name, value) -> {
            if (value != null && !value.toString().isEmpty()) {
                try {
                    Pattern.compile(value.toString());
                } catch (PatternSyntaxException e) {
                    throw new ConfigException(name, value, "is not a regular expression (" + e.getDescription() + "), for example " + example);
                }
            }
        });
    }

    private static Validator number(String description, LongPredicate valid, String refusal) {
        return validator(description, (name, value) -> {
            if (value != null && !valid.test(((Number) value).longValue())) {
                throw new ConfigException(name, value, refusal);
            }
        });
    }

    private static Validator validator(String description, Validator check) {
        return new Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                check.ensureValid(name, value);
            }

            @Override
            public String toString() {
                return description;
            }
        };
    }
}
