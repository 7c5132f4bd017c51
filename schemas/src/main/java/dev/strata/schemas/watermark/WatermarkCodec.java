package dev.strata.schemas.watermark;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.schemas.Sha256;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.json.VersionedJson;
import dev.strata.schemas.layout.BackupLayout;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
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
    private static final VersionedJson JSON_READER = new VersionedJson("watermark", FORMAT, VERSION);

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
            g.writeStringField("durableCommit", VersionedJson.iso(w.durableCommitMicros()));
            g.writeNumberField("durableCommitMicros", w.durableCommitMicros());
            g.writeNumberField("lsn", w.lsn());
            g.writeStringField("topic", w.topic());
            g.writeNumberField("partition", w.partition());
            g.writeNumberField("committedOffset", w.committedOffset());
            g.writeStringField("publishedAt", VersionedJson.iso(w.publishedAtMicros()));
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
        JsonNode root = JSON_READER.read(bytes);
        try {
            JsonNode head = root.path("manifestHead");
            Optional<Watermark.ManifestHead> manifestHead = head.isObject()
                    ? Optional.of(new Watermark.ManifestHead(BackupLayout.keyOf(JSON_READER.text(head, "key")),
                            Sha256.fromHex(JSON_READER.text(head, "sha256"))))
                    : Optional.empty();
            return new Watermark(TenantId.of(JSON_READER.text(root, "tenant")), JSON_READER.text(root, "regime"),
                    JSON_READER.number(root, "durableCommitMicros"), JSON_READER.number(root, "lsn"), JSON_READER.text(root, "topic"),
                    Math.toIntExact(JSON_READER.number(root, "partition")), JSON_READER.number(root, "committedOffset"),
                    JSON_READER.number(root, "publishedAtMicros"), manifestHead);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("watermark has an out-of-range number: " + e.getMessage(), e);
        }
    }
}
