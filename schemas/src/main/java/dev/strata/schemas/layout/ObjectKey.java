package dev.strata.schemas.layout;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A key in the backup bucket's key space: a full object key, a listing prefix or a start-after
 * marker. Only {@link BackupLayout} makes them, so no module can invent a key the layout does not
 * know; the object store seam takes nothing else.
 *
 * <p>Ordered as S3 orders keys: by their UTF-8 bytes, unsigned.
 */
public final class ObjectKey implements Comparable<ObjectKey> {

    /** S3's limit on a key's UTF-8 length. */
    public static final int MAX_BYTES = 1024;

    private final String value;
    private final byte[] utf8;

    ObjectKey(String value) {
        this.value = value;
        this.utf8 = value.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > MAX_BYTES) {
            throw new InvalidObjectKeyException(value, "it is " + utf8.length + " bytes long; S3 allows " + MAX_BYTES);
        }
    }

    public String value() {
        return value;
    }

    public boolean startsWith(ObjectKey prefix) {
        return value.startsWith(prefix.value);
    }

    @Override
    public int compareTo(ObjectKey other) {
        return Arrays.compareUnsigned(utf8, other.utf8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ObjectKey other && value.equals(other.value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return value;
    }
}
