package dev.strata.schemas.ops;

import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A service's meters as Prometheus scrapes them: its own, the JVM's (heap and the other memory
 * pools, GC pauses and allocation, threads, classes, CPU, uptime) and its Kafka clients' (consumer
 * lag per partition, produce rate, request latency: what ops dashboards for Kafka are built on).
 * Closing unhooks the GC listener and the clients' refreshers, which would otherwise outlive a
 * service stopped inside a longer-lived JVM (the tests start many).
 */
public final class ServiceMeters implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final List<AutoCloseable> bound = new ArrayList<>();
    private PrometheusEndpoint endpoint;

    private ServiceMeters() {
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        bound.add(gc);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /** The JVM's meters bound, served on {@code /metrics} of {@code port} when it is above 0. */
    public static ServiceMeters start(int port) throws IOException {
        ServiceMeters meters = new ServiceMeters();
        if (port > 0) {
            meters.endpoint = PrometheusEndpoint.start(port, meters.registry);
        }
        return meters;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The port {@code /metrics} is served on; empty when metrics are off. */
    public Optional<Integer> port() {
        return Optional.ofNullable(endpoint).map(PrometheusEndpoint::port);
    }

    /** Binds meters that hold resources ({@code KafkaClientMetrics}, {@code KafkaStreamsMetrics}); closed with this. */
    public <B extends MeterBinder & AutoCloseable> B bind(B meters) {
        meters.bindTo(registry);
        bound.add(meters);
        return meters;
    }

    @Override
    public void close() {
        if (endpoint != null) {
            endpoint.close();
        }
        for (AutoCloseable meters : bound) {
            try {
                meters.close();
            } catch (Exception e) {
                throw new IllegalStateException("cannot unbind " + meters.getClass().getSimpleName() + ": " + e.getMessage(), e);
            }
        }
        registry.close();
    }
}
