package dev.strata.schemas.event;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.SchemaStore;

/**
 * Every ChangeEvent schema Strata has released, looked up by CRC-64-AVRO fingerprint. This is the
 * schema registry: it ships inside the jar, so a backup stays decodable when every service but the
 * object store is gone.
 *
 * <p>Released schemas are resources {@code dev/strata/schemas/released/ChangeEvent-v1.avsc},
 * {@code -v2.avsc}, ... read in order until the first missing version, so adding a version needs no
 * index to be kept in step.
 */
public final class ReleasedSchemaStore implements SchemaStore {

    static final String RESOURCE_DIRECTORY = "/dev/strata/schemas/released/";

    private final Map<Long, ReleasedSchema> byFingerprint;

    private ReleasedSchemaStore(List<ReleasedSchema> released) {
        if (released.isEmpty()) {
            throw new IllegalStateException("no released ChangeEvent schema found under " + RESOURCE_DIRECTORY
                    + ": the strata-schemas jar is incomplete; rebuild it");
        }
        Map<Long, ReleasedSchema> map = new LinkedHashMap<>();
        for (ReleasedSchema schema : released) {
            map.put(schema.fingerprint(), schema);
        }
        this.byFingerprint = Map.copyOf(map);
    }

    /** The schemas released with this build of strata-schemas. */
    public static ReleasedSchemaStore load() {
        List<ReleasedSchema> released = new ArrayList<>();
        for (int version = 1; ; version++) {
            String resource = resourceName(version);
            try (InputStream in = ReleasedSchemaStore.class.getResourceAsStream(resource)) {
                if (in == null) {
                    break;
                }
                Schema schema = new Schema.Parser().parse(in);
                released.add(new ReleasedSchema(version, schema, fingerprint(schema)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read released schema " + resource + ": " + e.getMessage(), e);
            }
        }
        return new ReleasedSchemaStore(released);
    }

    /** For tests and tools that need a store with other versions than the released ones. */
    public static ReleasedSchemaStore of(List<ReleasedSchema> schemas) {
        return new ReleasedSchemaStore(List.copyOf(schemas));
    }

    public static long fingerprint(Schema schema) {
        return SchemaNormalization.parsingFingerprint64(schema);
    }

    @Override
    public Schema findByFingerprint(long fingerprint) {
        ReleasedSchema released = byFingerprint.get(fingerprint);
        return released == null ? null : released.schema();
    }

    public Optional<ReleasedSchema> find(long fingerprint) {
        return Optional.ofNullable(byFingerprint.get(fingerprint));
    }

    /** Oldest first. */
    public List<ReleasedSchema> versions() {
        return byFingerprint.values().stream()
                .sorted((a, b) -> Integer.compare(a.version(), b.version()))
                .collect(Collectors.toUnmodifiableList());
    }

    public String describe() {
        return versions().stream()
                .map(s -> "v" + s.version() + "=" + s.fingerprintHex())
                .collect(Collectors.joining(", "));
    }

    static String resourceName(int version) {
        return RESOURCE_DIRECTORY + "ChangeEvent-v" + version + ".avsc";
    }

    static String hex(long fingerprint) {
        return String.format(Locale.ROOT, "%016x", fingerprint);
    }
}
