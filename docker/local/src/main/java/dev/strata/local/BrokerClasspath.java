package dev.strata.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The Kafka broker's runtime classpath, written by module strata-kafka-broker at build time
 * ({@code dependency:build-classpath}) and copied into this jar as a resource.
 */
final class BrokerClasspath {
    private static final String RESOURCE = "broker.classpath";

    private BrokerClasspath() {
    }

    static String read() {
        try (InputStream in = BrokerClasspath.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("LocalKafka: resource dev/strata/local/" + RESOURCE + " is missing; "
                        + "build module docker/kafka-broker first (mvn -pl docker/kafka-broker,docker/local verify)");
            }
            String classpath = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            if (classpath.isEmpty()) {
                throw new IllegalStateException("LocalKafka: " + RESOURCE + " is empty; rebuild docker/kafka-broker");
            }
            return classpath;
        } catch (IOException e) {
            throw new UncheckedIOException("LocalKafka: cannot read " + RESOURCE, e);
        }
    }
}
