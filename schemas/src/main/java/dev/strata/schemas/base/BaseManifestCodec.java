package dev.strata.schemas.base;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.strata.schemas.Sha256;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.fold.FoldPosition;
import dev.strata.schemas.fold.TableShape;
import dev.strata.schemas.layout.BaseCut;
import dev.strata.schemas.manifest.JsonFields;
import dev.strata.schemas.manifest.ManifestCodec;
import dev.strata.schemas.manifest.ManifestEntry;
import dev.strata.schemas.manifest.ManifestFormatException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Stores a base manifest as JSON written field by field in a fixed order (deterministic, like the
 * hour manifests, and for the same reason: an operator reads it with {@code jq}, and a re-made
 * base must give the same bytes). Reading is strict about what it needs: a manifest is evidence.
 */
public final class BaseManifestCodec {
    private static final JsonFields STRICT = new JsonFields("base manifest");
    static final String FORMAT = "strata-base-manifest";
    private static final String DUPLICATES_REMOVED = "duplicatesRemoved";
    private static final String DEFINITIONS = "definitions";
    static final int VERSION = 1;
    /** Optional (bases made before late notices lack it), so readers of version 1 still read every base. */
    private static final String LATE_NOTICES_FROM = "lateNoticesFromMicros";
    /** Optional too (written only when true): a table's rows in key order, which a restore from base + tail merges with. */
    private static final String KEY_ORDERED = "keyOrdered";

    private static final JsonFactory JSON = JsonFactory.builder().build();
    private static final ObjectMapper READER = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private BaseManifestCodec() {
    }

    public static StoredBaseManifest seal(BaseManifest manifest) {
        return new StoredBaseManifest(manifest, encode(manifest));
    }

    /** Reads stored bytes; the SHA-256 is of these bytes exactly. */
    public static StoredBaseManifest read(byte[] bytes) {
        return new StoredBaseManifest(decode(bytes), bytes);
    }

    public static byte[] encode(BaseManifest m) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("format", FORMAT);
            g.writeNumberField("version", VERSION);
            g.writeStringField("tenant", m.tenant().value());
            g.writeStringField("cutCommit", instant(m.cut().cutCommitMicros()));
            g.writeNumberField("cutCommitMicros", m.cut().cutCommitMicros());
            g.writeNumberField("cutLsn", m.cut().cutLsn());
            if (m.previous().isPresent()) {
                g.writeObjectFieldStart("previous");
                g.writeNumberField("cutCommitMicros", m.previous().get().cut().cutCommitMicros());
                g.writeNumberField("cutLsn", m.previous().get().cut().cutLsn());
                g.writeStringField("sha256", m.previous().get().manifestSha256().hex());
                g.writeEndObject();
            } else {
                g.writeNullField("previous");
            }
            g.writeArrayFieldStart("tables");
            for (BaseTable t : m.tables()) {
                writeTable(g, m, t);
            }
            g.writeEndArray();
            ManifestCodec.writeEntries(g, "folded", m.folded());
            if (m.lateNoticesFrom().isPresent()) {
                g.writeNumberField(LATE_NOTICES_FROM, m.lateNoticesFrom().get());
            }
            if (m.duplicatesRemoved() > 0) {
                // only when there were any: a manifest without duplicates keeps the bytes it had before they were counted
                g.writeNumberField(DUPLICATES_REMOVED, m.duplicatesRemoved());
            }
            if (!m.definitions().isEmpty()) {
                // likewise only when there are any
                g.writeArrayFieldStart(DEFINITIONS);
                for (BaseDefinition d : m.definitions()) {
                    g.writeStartObject();
                    g.writeStringField("table", d.table());
                    g.writeNumberField("lsn", d.at().lsn());
                    g.writeNumberField("txOrder", d.at().txOrder());
                    g.writeNumberField("cutMicros", d.cutMicros());
                    g.writeStringField("definition", d.definition());
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write base manifest " + m.objectKey() + ": " + e.getMessage(), e);
        }
        out.write('\n');
        return out.toByteArray();
    }

    private static void writeTable(JsonGenerator g, BaseManifest m, BaseTable t) throws IOException {
        g.writeStartObject();
        g.writeStringField("table", t.table());
        g.writeStringField("key", m.tableKey(t).value());
        g.writeNumberField("rows", t.rows());
        g.writeNumberField("tombstones", t.tombstones());
        g.writeNumberField("size", t.size());
        g.writeStringField("sha256", t.sha256().hex());
        g.writeNumberField("finalShape", t.finalShape());
        position(g, "finalShapeAt", t.finalShapeAt());
        position(g, "truncatedAt", t.truncatedAt());
        if (t.keyOrdered()) {
            g.writeBooleanField(KEY_ORDERED, true);
        }
        g.writeArrayFieldStart("shapes");
        for (TableShape s : t.shapes()) {
            g.writeStartObject();
            strings(g, "columns", s.columns());
            strings(g, "types", s.pgTypes());
            strings(g, "keyColumns", s.keyColumns());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void position(JsonGenerator g, String field, Optional<FoldPosition> at) throws IOException {
        if (at.isEmpty()) {
            g.writeNullField(field);
            return;
        }
        g.writeObjectFieldStart(field);
        g.writeNumberField("lsn", at.get().lsn());
        g.writeNumberField("txOrder", at.get().txOrder());
        g.writeEndObject();
    }

    private static void strings(JsonGenerator g, String field, List<String> values) throws IOException {
        g.writeArrayFieldStart(field);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    public static BaseManifest decode(byte[] bytes) {
        JsonNode root;
        try {
            root = READER.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new ManifestFormatException("base manifest is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read base manifest: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ManifestFormatException("base manifest is not a JSON object");
        }
        if (!FORMAT.equals(root.path("format").asText()) || root.path("version").asInt(-1) != VERSION) {
            throw new ManifestFormatException("base manifest is format '" + root.path("format").asText() + "' version "
                    + root.path("version").asText() + "; this build reads " + FORMAT + " version " + VERSION + ": upgrade the tool");
        }
        try {
            TenantId tenant = TenantId.of(STRICT.text(root, "tenant"));
            BaseCut cut = new BaseCut(STRICT.integer(root, "cutCommitMicros"), STRICT.integer(root, "cutLsn"));
            JsonNode prev = STRICT.required(root, "previous");
            Optional<BaseManifest.PreviousBase> previous = prev.isNull() ? Optional.empty()
                    : Optional.of(new BaseManifest.PreviousBase(new BaseCut(STRICT.integer(prev, "cutCommitMicros"), STRICT.integer(prev, "cutLsn")),
                            Sha256.fromHex(STRICT.text(prev, "sha256"))));
            List<BaseTable> tables = new ArrayList<>();
            for (JsonNode t : STRICT.array(root, "tables")) {
                tables.add(table(t));
            }
            List<ManifestEntry> folded = new ArrayList<>();
            for (JsonNode e : STRICT.array(root, "folded")) {
                folded.add(ManifestCodec.readEntry(e, STRICT));
            }
            Optional<Long> lateNoticesFrom = root.has(LATE_NOTICES_FROM) ? Optional.of(STRICT.integer(root, LATE_NOTICES_FROM))
                    : Optional.empty();
            long duplicates = root.has(DUPLICATES_REMOVED) ? STRICT.integer(root, DUPLICATES_REMOVED) : 0;
            List<BaseDefinition> definitions = new ArrayList<>();
            if (root.has(DEFINITIONS)) {
                for (JsonNode d : STRICT.array(root, DEFINITIONS)) {
                    definitions.add(new BaseDefinition(STRICT.text(d, "table"),
                            new FoldPosition(STRICT.integer(d, "lsn"), STRICT.integer(d, "txOrder")), STRICT.integer(d, "cutMicros"),
                            STRICT.text(d, "definition")));
                }
            }
            return new BaseManifest(tenant, cut, previous, tables, folded, lateNoticesFrom, duplicates, definitions);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new ManifestFormatException("base manifest is invalid: " + e.getMessage(), e);
        }
    }

    private static BaseTable table(JsonNode t) {
        List<TableShape> shapes = new ArrayList<>();
        String name = STRICT.text(t, "table");
        for (JsonNode s : STRICT.array(t, "shapes")) {
            shapes.add(new TableShape(name, strings(s, "columns"), strings(s, "types"), strings(s, "keyColumns")));
        }
        return new BaseTable(name, STRICT.integer(t, "rows"), STRICT.integer(t, "tombstones"), STRICT.integer(t, "size"), Sha256.fromHex(STRICT.text(t, "sha256")),
                shapes, Math.toIntExact(STRICT.integer(t, "finalShape")), position(t, "finalShapeAt"), position(t, "truncatedAt"),
                t.has(KEY_ORDERED) && STRICT.bool(t, KEY_ORDERED));
    }

    private static Optional<FoldPosition> position(JsonNode node, String field) {
        JsonNode at = STRICT.required(node, field);
        return at.isNull() ? Optional.empty() : Optional.of(new FoldPosition(STRICT.integer(at, "lsn"), STRICT.integer(at, "txOrder")));
    }

    private static List<String> strings(JsonNode node, String field) {
        List<String> values = new ArrayList<>();
        for (JsonNode v : STRICT.array(node, field)) {
            if (!v.isTextual()) {
                throw new ManifestFormatException("base manifest field '" + field + "' holds a non-string");
            }
            values.add(v.textValue());
        }
        return values;
    }

    private static String instant(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L).toString();
    }
}
