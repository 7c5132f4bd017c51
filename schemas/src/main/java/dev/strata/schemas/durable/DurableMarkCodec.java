package dev.strata.schemas.durable;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.json.VersionedJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The body of a durable mark object: one compact UTF-8 JSON object, e.g.
 *
 * <pre>{@code
 * {"format":"strata-durable-mark","version":1,"tenant":"acme","regime":"eu",
 *  "point":"2026-11-21T10:15:30.123456Z","pointMicros":1795256130123456,"lsn":24023128,
 *  "partition":3,"committedOffset":88211,"writtenAt":"2026-11-21T10:15:31.004211Z","writtenAtMicros":1795256131004211}
 * }</pre>
 *
 * JSON like the watermark it mirrors: an operator reads it with {@code aws s3 cp - | jq}. Times are
 * given twice, exact micros for programs and ISO-8601 for people. Readers ignore fields they do not
 * know, so later versions may add some. The key repeats point, partition and offset; the body is
 * what binds the mark to its tenant (a reader compares it with the prefix it was listed under).
 */
public final class DurableMarkCodec {
    static final String FORMAT = "strata-durable-mark";
    static final int VERSION = 1;
    private static final JsonFactory JSON = JsonFactory.builder().build();
    private static final VersionedJson JSON_READER = new VersionedJson("durable mark", FORMAT, VERSION);

    private DurableMarkCodec() {
    }

    public static byte[] encode(DurableMark mark) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("format", FORMAT);
            g.writeNumberField("version", VERSION);
            g.writeStringField("tenant", mark.tenant().value());
            g.writeStringField("regime", mark.regime());
            g.writeStringField("point", VersionedJson.iso(mark.pointMicros()));
            g.writeNumberField("pointMicros", mark.pointMicros());
            g.writeNumberField("lsn", mark.lsn());
            g.writeNumberField("partition", mark.partition());
            g.writeNumberField("committedOffset", mark.committedOffset());
            g.writeStringField("writtenAt", VersionedJson.iso(mark.writtenAtMicros()));
            g.writeNumberField("writtenAtMicros", mark.writtenAtMicros());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the durable mark of tenant " + mark.tenant() + ": " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /** @throws IllegalArgumentException naming what is wrong, for anything but a mark of this format */
    public static DurableMark decode(byte[] bytes) {
        JsonNode root = JSON_READER.read(bytes);
        try {
            return new DurableMark(TenantId.of(JSON_READER.text(root, "tenant")), JSON_READER.text(root, "regime"),
                    JSON_READER.number(root, "pointMicros"), JSON_READER.number(root, "lsn"),
                    Math.toIntExact(JSON_READER.number(root, "partition")), JSON_READER.number(root, "committedOffset"),
                    JSON_READER.number(root, "writtenAtMicros"));
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("durable mark has an out-of-range number: " + e.getMessage(), e);
        }
    }
}
