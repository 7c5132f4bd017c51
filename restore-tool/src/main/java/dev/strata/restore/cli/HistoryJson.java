package dev.strata.restore.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.strata.restore.history.RowVersion;
import dev.strata.restore.plan.RestoreTime;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Map;

/** One version as one JSON line: times as ISO-8601 text, values as Postgres text (null for NULL). */
final class HistoryJson {
    private static final JsonFactory JSON = JsonFactory.builder().build();

    private HistoryJson() {
    }

    static String line(RowVersion v) {
        StringWriter text = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(text)) {
            g.writeStartObject();
            g.writeStringField("commitTime", RestoreTime.format(v.commitMicros()));
            g.writeStringField("cutTime", RestoreTime.format(v.cutMicros()));
            g.writeStringField("op", v.op().name());
            g.writeNumberField("txId", v.txId());
            g.writeNumberField("lsn", v.lsn());
            object(g, "key", v.key());
            if (v.changed().isPresent()) {
                object(g, "changed", v.changed().get());
            } else {
                g.writeNullField("changed");
            }
            object(g, "row", v.row());
            g.writeStringField("untilJustBefore", RestoreTime.format(v.justBeforeMicros()));
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write JSON: " + e.getMessage(), e);
        }
        return text.toString();
    }

    private static void object(JsonGenerator g, String name, Map<String, String> values) throws IOException {
        g.writeObjectFieldStart(name);
        for (Map.Entry<String, String> e : values.entrySet()) {
            g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
    }
}
