package dev.strata.production;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README's main command, run as CI runs it: the whole pipeline on real local servers, each
 * service in its own JVM, then a point-in-time restore. Asserts what the demo prints, and checks the
 * alert rules and the dashboard against what the running services really exported (the demo saves
 * each service's /metrics while the pipeline runs).
 */
class DemoIT {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).resolve("../..").normalize();
    private static boolean finished;
    private static int exitCode;
    private static String output;

    /** One demo run (about 1-2 minutes) serves every test here. */
    @BeforeAll
    static void runTheDemo() throws Exception {
        Path log = Files.createTempFile("strata-demo", ".log");
        ProcessBuilder demo = new ProcessBuilder(List.of("bash", ROOT.resolve("docker/demo").toString(), "--no-build"))
                .directory(ROOT.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        demo.environment().put("STRATA_DEMO_ROWS", "200");
        Process process = demo.start();
        finished = process.waitFor(8, TimeUnit.MINUTES);
        if (!finished) {
            process.destroy();
            process.waitFor(60, TimeUnit.SECONDS);
        }
        exitCode = process.exitValue();
        output = Files.readString(log);
    }

    @Test
    void theDemoRestoresATenantToTheSecondAndKeepsEachTenantInItsRegime() {
        assertThat(finished).as("the demo finished within 8 minutes:%n%s", output).isTrue();
        assertThat(exitCode).as("demo exit code; output:%n%s", output).isZero();
        assertThat(output).contains("RESULT: checksums EQUAL")
                .containsPattern("strata_drill_runs_total\\{result=\"pass\",tenant=\"acme\"\\} 1")
                .containsPattern("strata_drill_runs_total\\{result=\"pass\",tenant=\"globex\"\\} 1")
                .contains("rows of other tenants in the restored database: 0")
                .contains("verify: OK")
                .contains("in both regions")
                .containsPattern("(?m)^acme\\s+us/primary us/backup$")
                .containsPattern("(?m)^globex\\s+eu/primary eu/backup$")
                .containsPattern("captured [1-9][0-9]* \\| routed us [1-9][0-9]*, eu [1-9][0-9]* \\| sink-us segments primary [1-9]")
                .contains("stopped; temp dirs removed")
                // its 300 rows, and its tables' definitions, which capture sends before a tenant's first change
                .containsPattern("30[0-9] record\\(s\\) of tenant initech were parked as UNPLACED: redriving them")
                .contains("tenant initech is already placed in eu")
                .contains("no record of tenant initech is parked as UNPLACED")
                .contains("RESULT: initech checksums EQUAL")
                .contains("RESULT: acme's orders put back: checksums EQUAL to those before the delete")
                .contains("RESULT: globex unchanged throughout")
                .containsPattern("public.orders: 0 to delete, 0 to update, [1-9][0-9]* to insert")
                .contains("dead letters: no change of tenant initech is parked")
                .containsPattern("dead letters: no change of tenant acme committed at or before the restore point is parked")
                .containsPattern("destroyed [1-9][0-9]* data key\\(s\\) of tenant initech in bucket 'strata-eu-keys'")
                .contains("RESULT: initech's restore refused with exit 5, naming who erased it and when")
                .containsPattern("(?m)^initech\\s+eu/primary eu/backup  ERASED");
        assertThat(ROOT.resolve("target/demo/work")).as("temp dirs removed").doesNotExist();
    }

    @Test
    void everyMetricTheAlertRulesAndTheDashboardNameIsExportedByARunningService() throws IOException {
        assertThat(exitCode).as("demo exit code; output:%n%s", output).isZero();
        ExposedMetrics exposed = ExposedMetrics.readScrapes(ROOT.resolve("target/demo/metrics"));
        assertThat(exposed.names()).as("scraped from capture, router, both sinks and the scheduled drill")
                .contains("strata_capture_lag_seconds", "strata_router_routed_total", "strata_sink_backup_lag_seconds",
                        "strata_drill_runs_total", "strata_capture_checkpoints_total");
        List<String> queries = new ArrayList<>();
        AlertRuleFile.read(ROOT.resolve("docker/prometheus/alerts.yml")).forEach(rule -> queries.add(rule.expr()));
        queries.addAll(DashboardQueries.read(ROOT.resolve("docker/grafana/dashboards/strata.json")));
        Set<String> selected = new TreeSet<>();
        queries.forEach(q -> selected.addAll(PromQlExpression.parse(q).metricNames()));

        assertThat(exposed.unknown(selected))
                .as("metrics named in alerts.yml or strata.json that no service exports (exported: %s)", exposed.names())
                .isEmpty();
    }
}
