package dev.strata.schemas.kafka;

import java.time.Duration;

/**
 * Kafka did not answer within a deadline: its brokers are down, or this host cannot reach them.
 * Nothing in the request is wrong, so the caller may retry later (services and restore-tool exit 4).
 */
public final class KafkaUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param what what could not be done, e.g. "capture cannot start" or "cannot read strata.watermarks"
     * @param brokers the bootstrap.servers it tried
     */
    public KafkaUnavailableException(String what, String brokers, Duration within, Throwable cause) {
        super(what + ": no answer from Kafka at bootstrap.servers=" + brokers + " within " + within.toSeconds() + " s;"
                + " check that the brokers are up and that bootstrap.servers names them as this host reaches them"
                + " (host, port, advertised listeners, firewall), then retry", cause);
    }
}
