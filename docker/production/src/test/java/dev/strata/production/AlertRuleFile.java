package dev.strata.production;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads a Prometheus rule file (groups of rules) and refuses one that Prometheus would refuse or
 * that would page someone without telling them what to do: every rule needs alert, expr, for,
 * labels.severity and annotations summary and description.
 */
final class AlertRuleFile {
    static final Set<String> SEVERITIES = Set.of("critical", "warning", "info");

    private AlertRuleFile() {
    }

    static List<AlertRule> read(Path file) throws IOException {
        return parse(new ObjectMapper(new YAMLFactory()).readTree(file.toFile()), file.toString());
    }

    static List<AlertRule> parse(JsonNode root, String source) {
        List<String> problems = new ArrayList<>();
        List<AlertRule> rules = new ArrayList<>();
        JsonNode groups = root.path("groups");
        if (!groups.isArray() || groups.isEmpty()) {
            problems.add("no 'groups' list");
        }
        for (JsonNode group : groups) {
            String groupName = group.path("name").asText("");
            if (groupName.isEmpty()) {
                problems.add("a group without 'name'");
            }
            if (!group.path("rules").isArray() || group.path("rules").isEmpty()) {
                problems.add("group '" + groupName + "' has no 'rules' list");
            }
            for (JsonNode rule : group.path("rules")) {
                String alert = rule.path("alert").asText("");
                String where = "group '" + groupName + "', rule '" + alert + "'";
                AlertRule read = new AlertRule(groupName, alert, rule.path("expr").asText(""), rule.path("for").asText(""),
                        rule.path("labels").path("severity").asText(""), rule.path("annotations").path("summary").asText(""),
                        rule.path("annotations").path("description").asText(""));
                problems.addAll(problems(where, read));
                rules.add(read);
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(source + " is not a complete rule file: " + String.join("; ", problems));
        }
        return rules;
    }

    private static List<String> problems(String where, AlertRule rule) {
        List<String> problems = new ArrayList<>();
        if (!rule.alert().matches("[A-Z][A-Za-z0-9]+")) {
            problems.add(where + ": 'alert' must be a CamelCase name");
        }
        if (rule.expr().isBlank()) {
            problems.add(where + ": no 'expr'");
        } else {
            try {
                PromQlExpression.parse(rule.expr());
            } catch (IllegalArgumentException e) {
                problems.add(where + ": " + e.getMessage());
            }
        }
        if (!rule.forDuration().matches("\\d+[smhdwy]")) {
            problems.add(where + ": 'for' must be a duration such as 5m, was '" + rule.forDuration() + "'");
        }
        if (!SEVERITIES.contains(rule.severity())) {
            problems.add(where + ": labels.severity must be one of " + SEVERITIES + ", was '" + rule.severity() + "'");
        }
        if (rule.summary().isBlank() || rule.description().isBlank()) {
            problems.add(where + ": annotations need a summary and a description that says what to do");
        }
        return problems;
    }
}
