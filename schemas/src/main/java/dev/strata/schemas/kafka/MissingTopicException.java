package dev.strata.schemas.kafka;

/** A topic a reader needs does not exist: the service that creates it has never run against this cluster. */
public final class MissingTopicException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public MissingTopicException(String topic, String brokers) {
        super("topic " + topic + " does not exist on " + brokers
                + ": start the router once (it creates Strata's topics) or check bootstrap.servers");
    }
}
