package dev.strata.schemas.watermark;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.schemas.Sha256;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.layout.BackupLayout;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Optional;

/**
 * The value format of {@code strata.watermarks}: one compact UTF-8 JSON object, e.g.
 *
 * <pre>{@code
 * {"format":"strata-watermark","version":1,"tenant":"acme","regime":"eu",
 *  "durableCommit":"2026-11-21T10:15:30.123456Z","durableCommitMicros":1795256130123456,"lsn":24023128,
 *  "topic":"strata.routed.eu","partition":3,"committedOffset":88211,
 *  "publishedAt":"2026-11-21T10:15:31.004211Z","publishedAtMicros":1795256131004211,
 *  "manifestHead":{"key":"strata/v1/tenants/acme/manifests/2026112109.000000.manifest","sha256":"9f86..."}}
 * }</pre>
 *
 * Why JSON: an operator reads it with kcat and jq, and status reads it without Avro. Times are
 * given twice, exact micros for programs and ISO-8601 for people. Readers ignore fields they do not
 * know, so later versions may add some.
 */
public final class WatermarkCodec {
    static final String FORMAT = "strata-watermark";
    static final int VERSION = 1;
    private static final JsonFactory JSON = JsonFactory.builder().build();
    private static final ObjectMapper READER = new ObjectMapper();

    private WatermarkCodec() {
    }

    public static byte[] encode(Watermark w) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("format", FORMAT);
            g.writeNumberField("version", VERSION);
            g.writeStringField("tenant", w.tenant().value());
            g.writeStringField("regime", w.regime());
            g.writeStringField("durableCommit", iso(w.durableCommitMicros()));
            g.writeNumberField("durableCommitMicros", w.durableCommitMicros());
            g.writeNumberField("lsn", w.lsn());
            g.writeStringField("topic", w.topic());
            g.writeNumberField("partition", w.partition());
            g.writeNumberField("committedOffset", w.committedOffset());
            g.writeStringField("publishedAt", iso(w.publishedAtMicros()));
            g.writeNumberField("publishedAtMicros", w.publishedAtMicros());
            if (w.manifestHead().isPresent()) {
                g.writeObjectFieldStart("manifestHead");
                g.writeStringField("key", w.manifestHead().get().key().value());
                g.writeStringField("sha256", w.manifestHead().get().sha256().hex());
                g.writeEndObject();
            } else {
                g.writeNullField("manifestHead");
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the watermark of tenant " + w.tenant() + ": " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    public static Watermark decode(byte[] bytes) {
        JsonNode root;
        try {
            root = READER.readTree(bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException("watermark is not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText()) || root.path("version").asInt() != VERSION) {
            throw new IllegalArgumentException("watermark is not " + FORMAT + " version " + VERSION + ": upgrade the reader if it is newer");
        }
        try {
            JsonNode head = root.path("manifestHead");
            Optional<Watermark.ManifestHead> manifestHead = head.isObject()
                    ? Optional.of(new Watermark.ManifestHead(BackupLayout.keyOf(text(head, "key")), Sha256.fromHex(text(head, "sha256"))))
                    : Optional.empty();
            return new Watermark(TenantId.of(text(root, "tenant")), text(root, "regime"), number(root, "durableCommitMicros"),
                    number(root, "lsn"), text(root, "topic"), Math.toIntExact(number(root, "partition")),
                    number(root, "committedOffset"), number(root, "publishedAtMicros"), manifestHead);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("watermark has an out-of-range number: " + e.getMessage(), e);
        }
    }

    static String iso(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L).toString();
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("watermark field '" + field + "' is missing or not a string");
        }
        return value.textValue();
    }

    private static long number(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.canConvertToLong() || !value.isIntegralNumber()) {
            throw new IllegalArgumentException("watermark field '" + field + "' is missing or not an integer");
        }
        return value.longValue();
    }
}
