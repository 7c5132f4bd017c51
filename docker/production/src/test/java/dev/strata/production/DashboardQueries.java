package dev.strata.production;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The PromQL queries of a Grafana dashboard JSON: every panel's targets, rows' nested panels included. */
final class DashboardQueries {
    private DashboardQueries() {
    }

    static List<String> read(Path dashboard) throws IOException {
        JsonNode root = new ObjectMapper().readTree(dashboard.toFile());
        List<String> queries = new ArrayList<>();
        collect(root.path("panels"), queries);
        return queries;
    }

    private static void collect(JsonNode panels, List<String> queries) {
        for (JsonNode panel : panels) {
            for (JsonNode target : panel.path("targets")) {
                if (target.hasNonNull("expr")) {
                    queries.add(target.get("expr").asText());
                }
            }
            collect(panel.path("panels"), queries);
        }
    }
}
