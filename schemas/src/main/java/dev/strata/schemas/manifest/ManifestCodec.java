package dev.strata.schemas.manifest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.strata.schemas.Sha256;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.UtcHour;
import dev.strata.schemas.layout.BackupLayout;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Stores a manifest as JSON, written field by field in a fixed order, compact, UTF-8, one trailing
 * newline.
 *
 * <p>Why JSON and not Avro: a manifest is what an operator reads first in a disaster, with nothing
 * but {@code curl} and {@code jq}; it holds only strings and integers, so written by hand it is
 * deterministic (no maps, floats or pretty-printer to drift). Why deterministic: its SHA-256 is the
 * next manifest's link, so sealing the same manifest twice must give the same bytes.
 *
 * <p>Reading is strict (known fields only, no duplicates, all present): a manifest is evidence.
 */
public final class ManifestCodec {
    private static final JsonFields STRICT = new JsonFields("manifest");

    static final String FORMAT = "strata-manifest";
    static final int VERSION = 1;
    private static final Set<String> FIELDS = Set.of("format", "version", "tenant", "hour", "seq", "previous", "entries");
    private static final Set<String> ENTRY_FIELDS = Set.of("key", "size", "sha256");

    private static final JsonFactory JSON = JsonFactory.builder().build();
    private static final ObjectMapper READER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private ManifestCodec() {
    }

    public static SealedManifest seal(Manifest manifest) {
        return new SealedManifest(manifest, encode(manifest));
    }

    public static byte[] encode(Manifest m) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("format", FORMAT);
            g.writeNumberField("version", VERSION);
            g.writeStringField("tenant", m.tenant().value());
            g.writeStringField("hour", m.hour().start().toString());
            g.writeNumberField("seq", m.seq());
            if (m.previous().isPresent()) {
                g.writeStringField("previous", m.previous().get().hex());
            } else {
                g.writeNullField("previous");
            }
            writeEntries(g, "entries", m.entries());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write manifest " + m.key() + ": " + e.getMessage(), e);
        }
        out.write('\n');
        return out.toByteArray();
    }

    /** Reads stored bytes; the SHA-256 is of these bytes exactly, as the chain needs. */
    public static SealedManifest read(byte[] bytes) {
        return new SealedManifest(decode(bytes), bytes);
    }

    public static Manifest decode(byte[] bytes) {
        JsonNode root;
        try {
            root = READER.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new ManifestFormatException("manifest is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read manifest: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ManifestFormatException("manifest is not a JSON object");
        }
        STRICT.onlyFields(root, FIELDS, "manifest");
        if (!FORMAT.equals(STRICT.text(root, "format")) || STRICT.integer(root, "version") != VERSION) {
            throw new ManifestFormatException("manifest is format '" + root.path("format").asText() + "' version "
                    + root.path("version").asText() + "; this build reads " + FORMAT + " version " + VERSION + ": upgrade the tool");
        }
        try {
            TenantId tenant = TenantId.of(STRICT.text(root, "tenant"));
            UtcHour hour = hour(STRICT.text(root, "hour"));
            JsonNode previous = STRICT.required(root, "previous");
            Optional<Sha256> link = previous.isNull() ? Optional.empty() : Optional.of(Sha256.fromHex(STRICT.textValue(previous, "previous")));
            List<ManifestEntry> entries = new ArrayList<>();
            JsonNode array = STRICT.required(root, "entries");
            if (!array.isArray()) {
                throw new ManifestFormatException("manifest field 'entries' is not an array");
            }
            for (JsonNode e : array) {
                entries.add(readEntry(e, STRICT));
            }
            return new Manifest(tenant, hour, Math.toIntExact(STRICT.integer(root, "seq")), link, entries);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new ManifestFormatException("manifest is invalid: " + e.getMessage(), e);
        }
    }

    private static UtcHour hour(String text) {
        try {
            Instant start = Instant.parse(text);
            UtcHour hour = UtcHour.containing(start);
            if (!hour.start().equals(start)) {
                throw new ManifestFormatException("manifest hour '" + text + "' is not the start of an hour");
            }
            return hour;
        } catch (DateTimeException e) {
            throw new ManifestFormatException("manifest hour '" + text + "' is not an ISO-8601 instant", e);
        }
    }

    /** Writes {@code entries} as the JSON array {@code field}: the one shape of an object entry in every manifest. */
    public static void writeEntries(JsonGenerator g, String field, List<ManifestEntry> entries) throws IOException {
        g.writeArrayFieldStart(field);
        for (ManifestEntry e : entries) {
            g.writeStartObject();
            g.writeStringField("key", e.key().value());
            g.writeNumberField("size", e.size());
            g.writeStringField("sha256", e.sha256().hex());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    /** Reads one entry {@link #writeEntries} wrote; any other field is refused. */
    public static ManifestEntry readEntry(JsonNode e, JsonFields fields) {
        fields.onlyFields(e, ENTRY_FIELDS, "manifest entry");
        return new ManifestEntry(BackupLayout.keyOf(fields.text(e, "key")), fields.integer(e, "size"), Sha256.fromHex(fields.text(e, "sha256")));
    }
}
