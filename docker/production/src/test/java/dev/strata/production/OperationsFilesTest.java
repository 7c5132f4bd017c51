package dev.strata.production;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The alert rules, the Prometheus config and the Grafana files are complete and wired into compose.
 * That the metrics they name really exist is DemoIT's check (it scrapes the running services).
 */
class OperationsFilesTest {
    private static final Path DOCKER = Path.of(System.getProperty("user.dir")).resolve("..").normalize();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void everyAlertTheIssueAsksForIsACompleteRule() throws IOException {
        List<AlertRule> rules = AlertRuleFile.read(DOCKER.resolve("prometheus/alerts.yml"));

        assertThat(rules).extracting(AlertRule::alert).doesNotHaveDuplicates().contains("StrataServiceDown", "StrataCaptureLagHigh",
                "StrataBackupLagAboveRpo", "StrataReplicationDebtGrowing", "StrataDeadLettersGrowing", "StrataRegionUploadsFailing",
                "StrataSinkFailed", "StrataNoSuccessfulDrill24h", "StrataDrillMismatch", "StrataServiceRestarting",
                "StrataCaptureSlotRetainingWal");
        assertThat(rules).allSatisfy(rule -> assertThat(PromQlExpression.parse(rule.expr()).metricNames())
                .as("%s selects a metric", rule.alert()).isNotEmpty());
    }

    /** Prometheus's own rule evaluator on the fault series of alerts-test.yml: each alert's timing, not only its syntax. */
    @Test
    void eachInjectedFaultFiresItsAlertWithinTwoMinutesAndClearsWithinFiveOfRecovery() throws Exception {
        Process promtool;
        try {
            promtool = new ProcessBuilder("promtool", "test", "rules", "alerts-test.yml").directory(DOCKER.resolve("prometheus").toFile())
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("promtool (Debian package prometheus) is missing: run docker/local/install-deps", e);
        }
        String output = new String(promtool.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(promtool.waitFor()).as("promtool test rules docker/prometheus/alerts-test.yml:%n%s", output).isZero();
        assertThat(output).contains("SUCCESS");
    }

    @Test
    void aRuleWithoutSeverityOrSummaryIsRefused() throws IOException {
        JsonNode file = YAML.readTree("""
                groups:
                  - name: g
                    rules:
                      - alert: StrataSomething
                        expr: sum(rate(strata_router_routed_total[1m]) > 0
                        for: soon
                        annotations: {description: do this}
                """);

        assertThatThrownBy(() -> AlertRuleFile.parse(file, "broken.yml")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rule 'StrataSomething': unclosed '('")
                .hasMessageContaining("'for' must be a duration")
                .hasMessageContaining("labels.severity must be one of")
                .hasMessageContaining("need a summary and a description");
    }

    @Test
    void prometheusLoadsTheRulesAndScrapesEveryServiceAndTheDrill() throws IOException {
        JsonNode prometheus = YAML.readTree(DOCKER.resolve("prometheus/prometheus.yml").toFile());
        JsonNode services = YAML.readTree(DOCKER.resolve("compose.yaml").toFile()).path("services");

        assertThat(prometheus.path("rule_files").toString()).contains("/etc/prometheus/alerts.yml");
        assertThat(services.path("prometheus").path("volumes").toString())
                .contains("./prometheus/alerts.yml:/etc/prometheus/alerts.yml:ro");
        assertThat(prometheus.findValues("targets").toString())
                .contains("capture:9404", "router:9405", "sink-us:9406", "sink-eu:9407", "sink-eu-2:9407", "drill:9408",
                        "expire-us:9409", "expire-eu:9410");
        assertThat(services.path("drill").path("command").toString()).contains("\"drill\"", "\"--metrics-port\",\"9408\"");
        assertThat(services.path("drill").path("secrets").toString()).doesNotContain("writer");
    }

    @Test
    void grafanaIsProvisionedWithTheDashboardAndItsQueriesAreWellFormed() throws IOException {
        JsonNode grafana = YAML.readTree(DOCKER.resolve("compose.yaml").toFile()).path("services").path("grafana");
        JsonNode datasources = YAML.readTree(DOCKER.resolve("grafana/provisioning/datasources/prometheus.yml").toFile());
        JsonNode providers = YAML.readTree(DOCKER.resolve("grafana/provisioning/dashboards/strata.yml").toFile());
        List<String> queries = DashboardQueries.read(DOCKER.resolve("grafana/dashboards/strata.json"));

        assertThat(grafana.path("volumes").toString()).contains("./grafana/provisioning:/etc/grafana/provisioning",
                "./grafana/dashboards:/var/lib/grafana/dashboards");
        assertThat(datasources.path("datasources").get(0).path("url").asText()).isEqualTo("http://prometheus:9090");
        assertThat(providers.path("providers").get(0).path("options").path("path").asText()).isEqualTo("/var/lib/grafana/dashboards");
        assertThat(queries).hasSizeGreaterThan(15).allSatisfy(q -> assertThat(PromQlExpression.parse(q).metricNames()).isNotEmpty());
    }
}
