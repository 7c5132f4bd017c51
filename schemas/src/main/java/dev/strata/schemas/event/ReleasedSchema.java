package dev.strata.schemas.event;

import java.util.Objects;
import org.apache.avro.Schema;

/** One released version of the ChangeEvent schema, with the fingerprint that names it on the wire. */
public record ReleasedSchema(int version, Schema schema, long fingerprint) {

    public ReleasedSchema {
        Objects.requireNonNull(schema, "schema");
        if (version < 1) {
            throw new IllegalArgumentException("released schema versions start at 1, not " + version);
        }
    }

    /** The fingerprint as the 16 hex digits an operator sees in error messages and tools. */
    public String fingerprintHex() {
        return ReleasedSchemaStore.hex(fingerprint);
    }
}
