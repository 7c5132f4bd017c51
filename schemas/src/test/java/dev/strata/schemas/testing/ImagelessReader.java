package dev.strata.schemas.testing;

import dev.strata.schemas.avro.ChangeEvent;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;

/**
 * Avro's reader of the current ChangeEvent without its row images: it skips them in the bytes it reads, by their byte sizes
 * where their blocks give them, so the fields after them say whether those sizes were right.
 */
public final class ImagelessReader {
    private ImagelessReader() {
    }

    public static GenericDatumReader<GenericRecord> create() {
        Schema current = ChangeEvent.getClassSchema();
        List<Schema.Field> fields = current.getFields().stream().filter(f -> !f.name().equals("before") && !f.name().equals("after"))
                .map(f -> new Schema.Field(f, f.schema())).toList();
        return new GenericDatumReader<>(current, Schema.createRecord(current.getName(), null, current.getNamespace(), false, fields));
    }
}
