package dev.strata.schemas.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Set;

/**
 * Strict reading of a JSON document's fields for the manifest codecs: a missing field, a field of
 * the wrong type or an unknown field is a {@link ManifestFormatException} naming the document and
 * the field, never a default.
 */
public final class JsonFields {
    private final String document;

    /** @param document what the messages call the document, e.g. "manifest" or "base manifest" */
    public JsonFields(String document) {
        this.document = document;
    }

    public JsonNode required(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null) {
            throw new ManifestFormatException(document + " lacks field '" + field + "'");
        }
        return value;
    }

    public String text(JsonNode node, String field) {
        return textValue(required(node, field), field);
    }

    /** {@code value}, which the document holds under {@code field}, as a string. */
    public String textValue(JsonNode value, String field) {
        if (!value.isTextual()) {
            throw new ManifestFormatException(document + " field '" + field + "' is not a string");
        }
        return value.textValue();
    }

    public long integer(JsonNode node, String field) {
        JsonNode value = required(node, field);
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new ManifestFormatException(document + " field '" + field + "' is not an integer");
        }
        return value.longValue();
    }

    public boolean bool(JsonNode node, String field) {
        JsonNode value = required(node, field);
        if (!value.isBoolean()) {
            throw new ManifestFormatException(document + " field '" + field + "' is not true or false");
        }
        return value.booleanValue();
    }

    public JsonNode array(JsonNode node, String field) {
        JsonNode value = required(node, field);
        if (!value.isArray()) {
            throw new ManifestFormatException(document + " field '" + field + "' is not an array");
        }
        return value;
    }

    /** @param what the object's name in the message, e.g. "manifest entry 3" */
    public void onlyFields(JsonNode node, Set<String> allowed, String what) {
        if (!node.isObject()) {
            throw new ManifestFormatException(what + " is not a JSON object");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new ManifestFormatException(what + " has unknown field '" + name + "'");
            }
        }
    }
}
