package dev.strata.schemas.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;

/**
 * Reading of the small JSON records Strata writes for people and programs alike (a watermark, a
 * durable mark): a {@code format} name and {@code version} first, unknown fields ignored so that a
 * later version may add some, and every refusal an {@link IllegalArgumentException} naming the
 * document and the field.
 */
public final class VersionedJson {
    private static final ObjectMapper READER = new ObjectMapper();

    private final String document;
    private final String format;
    private final int version;

    /** @param document what messages call it, e.g. "watermark" */
    public VersionedJson(String document, String format, int version) {
        this.document = document;
        this.format = format;
        this.version = version;
    }

    /** The root object, once it is known to be of this format and version. */
    public JsonNode read(byte[] bytes) {
        JsonNode root;
        try {
            root = READER.readTree(bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException(document + " is not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject() || !format.equals(root.path("format").asText()) || root.path("version").asInt() != version) {
            throw new IllegalArgumentException(document + " is not " + format + " version " + version + ": upgrade the reader if it is newer");
        }
        return root;
    }

    public String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException(document + " field '" + field + "' is missing or not a string");
        }
        return value.textValue();
    }

    public long number(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.canConvertToLong() || !value.isIntegralNumber()) {
            throw new IllegalArgumentException(document + " field '" + field + "' is missing or not an integer");
        }
        return value.longValue();
    }

    /** Microseconds since the epoch as ISO-8601, the form given beside exact micros for people. */
    public static String iso(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L).toString();
    }
}
