package dev.strata.schemas.crypto;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The name of one data key of a tenant: its rotation period and a random suffix, e.g.
 * {@code 202612-9f3a61c0}. It travels in every sealed body's header (so it holds no secret) and
 * names the key's object in the key store; sorting ids sorts them by period.
 */
public record DataKeyId(String value) implements Comparable<DataKeyId> {

    public static final int MAX_LENGTH = 64;
    private static final Pattern ALLOWED = Pattern.compile("[0-9A-Za-z]{1,16}-[0-9a-f]{1,32}");

    public DataKeyId {
        Objects.requireNonNull(value, "value");
        if (value.length() > MAX_LENGTH || !ALLOWED.matcher(value).matches()) {
            throw new IllegalArgumentException("data key id '" + value + "' is invalid: it is <period>-<hex>, e.g. 202612-9f3a61c0");
        }
    }

    /** The rotation period the key serves, e.g. {@code 202612}. */
    public String period() {
        return value.substring(0, value.indexOf('-'));
    }

    @Override
    public int compareTo(DataKeyId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
