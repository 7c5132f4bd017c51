package dev.strata.restore.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/** The rows an NDJSON target printed for a table keyed by id with a name column: id -> name, in id text order. */
final class NdjsonRows {
    private NdjsonRows() {
    }

    static Map<String, String> idToName(String ndjson) throws IOException {
        Map<String, String> rows = new TreeMap<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : ndjson.lines().toList()) {
            JsonNode node = json.readTree(line);
            rows.put(node.get("key").get("id").asText(), node.get("row").get("name").asText());
        }
        return rows;
    }
}
