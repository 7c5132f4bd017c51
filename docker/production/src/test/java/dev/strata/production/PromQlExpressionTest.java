package dev.strata.production;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PromQlExpressionTest {

    @Test
    void findsTheSelectedMetricsAndNotFunctionsLabelsStringsOrDurations() {
        PromQlExpression expr = PromQlExpression.parse("sum by (job, instance, reason) (increase(strata_router_dead_letters_total{reason!=\"UNPLACED\"}[15m])) > 0"
                + " or histogram_quantile(0.99, sum by (le) (rate(strata_sink_upload_latency_seconds_bucket[5m]))) > 1e3"
                + " or time() - max by (tenant) (strata_drill_last_success_timestamp_seconds offset 1h) > 86400"
                + " or up{job=~\"strata|strata_other\"} == bool 0 unless on (instance) group_left (regime) strata_sink_failed");

        assertThat(expr.metricNames()).containsExactly("strata_drill_last_success_timestamp_seconds",
                "strata_router_dead_letters_total", "strata_sink_failed", "strata_sink_upload_latency_seconds_bucket", "up");
    }

    @Test
    void aMisspelledMetricIsReportedAsUnknown() {
        ExposedMetrics exposed = ExposedMetrics.parse("""
                # HELP strata_sink_failed 1 once the sink stopped
                # TYPE strata_sink_failed gauge
                strata_sink_failed{regime="us"} 0.0
                strata_sink_upload_retries_total{regime="us",region="primary"} 3.0
                """);

        assertThat(exposed.unknown(PromQlExpression.parse("strata_sink_failed == 1 or up == 0").metricNames())).isEmpty();
        assertThat(exposed.unknown(PromQlExpression.parse("increase(strata_sink_upload_retrys_total[5m]) > 5").metricNames()))
                .containsExactly("strata_sink_upload_retrys_total");
        assertThat(exposed.unknown(List.of("strata_sink_failed_total"))).containsExactly("strata_sink_failed_total");
    }

    @Test
    void refusesUnbalancedBrackets() {
        assertThatThrownBy(() -> PromQlExpression.parse("sum(rate(strata_router_routed_total[1m])"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unclosed '('");
        assertThatThrownBy(() -> PromQlExpression.parse("strata_sink_failed{regime=\"us\"]"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unbalanced ']'");
        assertThat(PromQlExpression.parse("strata_sink_failed{regime=\"u(s\"}").metricNames()).containsExactly("strata_sink_failed");
    }
}
