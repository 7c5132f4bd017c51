package dev.strata.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.schemas.kafka.DeadLetterReason;
import dev.strata.schemas.ops.PrometheusEndpoint;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PrometheusEndpointTest {

    @Test
    void shouldServeTheRoutersCountersInPrometheusTextFormat() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        RouterMetrics metrics = new RouterMetrics(registry, Set.of("us", "eu"));
        metrics.routed("eu");
        metrics.parked(DeadLetterReason.UNPLACED);

        try (PrometheusEndpoint endpoint = PrometheusEndpoint.start(0, registry)) {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body())
                    .contains("strata_router_routed_total{regime=\"eu\"} 1.0")
                    .contains("strata_router_routed_total{regime=\"us\"} 0.0")
                    .contains("strata_router_dead_letters_total{reason=\"UNPLACED\"} 1.0");
        }
    }
}
