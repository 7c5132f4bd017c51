package dev.strata.restore.drill;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The metric names are a contract with the alert rules: they are asserted as Prometheus prints them. */
class DrillMetricsTest {

    @Test
    void aPassThenAFailShowAsRunsSuccessTimeRtoAgeAndMismatchedTables() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        DrillMetrics metrics = new DrillMetrics(registry);

        metrics.record(report(DrillResult.PASS, "2026-11-21T10:00:00Z", 12.5, 300, true));
        metrics.record(report(DrillResult.FAIL, "2026-11-21T11:00:00Z", 14.0, 120, false));
        String scrape = registry.scrape();

        assertThat(scrape).contains("strata_drill_runs_total{result=\"pass\",tenant=\"acme\"} 1.0")
                .contains("strata_drill_runs_total{result=\"fail\",tenant=\"acme\"} 1.0")
                .contains("strata_drill_last_success_timestamp_seconds{tenant=\"acme\"} 1.7952552E9")
                .contains("strata_drill_last_rto_seconds{tenant=\"acme\"} 14.0")
                .contains("strata_drill_checkpoint_age_seconds{tenant=\"acme\"} 120.0")
                .contains("strata_drill_mismatched_tables{tenant=\"acme\"} 1.0");
    }

    @Test
    void anErasedTenantIsForgottenSoItsLastSuccessCannotAgeIntoAnAlert() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        DrillMetrics metrics = new DrillMetrics(registry);
        metrics.record(report(DrillResult.PASS, "2026-11-21T10:00:00Z", 12.5, 300, true));

        metrics.forget("acme");

        assertThat(registry.scrape()).doesNotContain("tenant=\"acme\"");
        metrics.record(report(DrillResult.PASS, "2026-11-21T12:00:00Z", 10.0, 60, true)); // drilled again: back, fresh
        assertThat(registry.scrape()).contains("strata_drill_runs_total{result=\"pass\",tenant=\"acme\"} 1.0")
                .contains("strata_drill_last_rto_seconds{tenant=\"acme\"} 10.0");
    }

    private static DrillReport report(DrillResult result, String finishedAt, double rto, double age, boolean equal) {
        return new DrillReport("acme", "us", finishedAt, finishedAt, result, rto,
                new DrillReport.CheckpointInfo("2026-11-21T09:55:00Z", "10:12:", age),
                List.of(new DrillReport.TableComparisonJson("public.orders", 3, equal ? 3 : 2, "9", equal ? "9" : "4", equal),
                        new DrillReport.TableComparisonJson("public.accounts", 1, 1, "5", "5", true)),
                equal ? "ok" : "public.orders: expected 3 rows");
    }
}
