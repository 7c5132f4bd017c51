package dev.strata.schemas.layout;

import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The checks every layout key's parser makes, each error naming the whole key and the shape it should have. */
final class KeyParsing {
    private KeyParsing() {
    }

    static Matcher match(Pattern pattern, String step, String v, String shape) {
        Matcher m = pattern.matcher(step);
        if (!m.matches()) {
            throw new InvalidObjectKeyException(v, "'" + step + "' does not match " + shape);
        }
        return m;
    }

    /** Turns a field that does not validate (bad tenant, time, range) into an error naming the whole key. */
    static <T> T build(String v, String shape, Supplier<T> builder) {
        try {
            return builder.get();
        } catch (IllegalArgumentException e) {
            throw new InvalidObjectKeyException(v, e.getMessage() + " (expected " + shape + ")");
        }
    }

    static <T extends LayoutKey> T canonical(String v, ObjectKey formatted, T parsed) {
        if (!formatted.value().equals(v)) {
            throw new InvalidObjectKeyException(v, "it is not in canonical form; the same fields format as '"
                    + formatted.value() + "' (is the hour directory that of the first commit?)");
        }
        return parsed;
    }
}
