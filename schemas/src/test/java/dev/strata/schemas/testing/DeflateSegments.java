package dev.strata.schemas.testing;

import dev.strata.schemas.avro.ChangeEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;

/** Events in an Avro container of the deflate codec: a segment the fast decoder leaves to Avro's reader. */
public final class DeflateSegments {
    private DeflateSegments() {
    }

    public static byte[] of(List<ChangeEvent> events) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataFileWriter<ChangeEvent> writer = new DataFileWriter<>(new SpecificDatumWriter<>(ChangeEvent.class))) {
            writer.setCodec(CodecFactory.deflateCodec(1));
            writer.create(ChangeEvent.getClassSchema(), bytes);
            for (ChangeEvent event : events) {
                writer.append(event);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
