package dev.strata.schemas;

import java.util.Locale;
import java.util.Objects;

/**
 * A tenant's id. It becomes part of Kafka keys and object keys, so it is restricted to characters
 * that need no escaping anywhere.
 */
public record TenantId(String value) implements Comparable<TenantId> {

    public static final int MAX_LENGTH = 64;

    public TenantId {
        Objects.requireNonNull(value, "tenant id is null: every change event needs a tenant");
        if (!allowed(value)) {
            throw new IllegalArgumentException("tenant id '" + printable(value) + "' is invalid: use 1 to "
                    + MAX_LENGTH + " characters from A-Z a-z 0-9 . _ -");
        }
        // "." and ".." match the pattern but would read as path steps in any file-system mirror of the bucket
        if (value.equals(".") || value.equals("..")) {
            throw new IllegalArgumentException("tenant id '" + value
                    + "' is invalid: it reads as a path step; use at least one letter, digit, _ or -");
        }
    }

    /**
     * Whether {@code value} is 1 to {@link #MAX_LENGTH} characters from {@code [A-Za-z0-9._-]}. A loop, not a
     * regular expression: capture checks the tenant of every change it publishes.
     */
    private static boolean allowed(String value) {
        int length = value.length();
        if (length < 1 || length > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    public static TenantId of(String value) {
        return new TenantId(value);
    }

    public static boolean isValid(String value) {
        try {
            new TenantId(value);
            return true;
        } catch (IllegalArgumentException | NullPointerException e) {
            return false;
        }
    }

    @Override
    public int compareTo(TenantId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }

    /** Keeps an error message one readable line even when the bad id holds control characters or is huge. */
    private static String printable(String raw) {
        StringBuilder out = new StringBuilder();
        raw.codePoints().limit(80).forEach(cp -> {
            if (cp < 0x20 || cp == 0x7f) {
                out.append(String.format(Locale.ROOT, "\\u%04x", cp));
            } else {
                out.appendCodePoint(cp);
            }
        });
        return raw.codePointCount(0, raw.length()) > 80 ? out + "..." : out.toString();
    }
}
