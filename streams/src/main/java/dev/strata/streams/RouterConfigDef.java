package dev.strata.streams;

import static dev.strata.streams.RouterConfig.APPLICATION_ID;
import static dev.strata.streams.RouterConfig.APPLICATION_ID_DEFAULT;
import static dev.strata.streams.RouterConfig.BOOTSTRAP_SERVERS;
import static dev.strata.streams.RouterConfig.CONSUMER_MAX_POLL_RECORDS;
import static dev.strata.streams.RouterConfig.CONSUMER_MAX_POLL_RECORDS_DEFAULT;
import static dev.strata.streams.RouterConfig.MAX_EVENT_BYTES;
import static dev.strata.streams.RouterConfig.MAX_EVENT_BYTES_DEFAULT;
import static dev.strata.streams.RouterConfig.DLQ_SCAN_INTERVAL_MS;
import static dev.strata.streams.RouterConfig.DLQ_SCAN_INTERVAL_MS_DEFAULT;
import static dev.strata.streams.RouterConfig.METRICS_PORT;
import static dev.strata.streams.RouterConfig.METRICS_PORT_DEFAULT;
import static dev.strata.streams.RouterConfig.PRODUCER_BATCH_SIZE;
import static dev.strata.streams.RouterConfig.PRODUCER_BATCH_SIZE_DEFAULT;
import static dev.strata.streams.RouterConfig.PRODUCER_LINGER_MS;
import static dev.strata.streams.RouterConfig.PRODUCER_LINGER_MS_DEFAULT;
import static dev.strata.streams.RouterConfig.REGIMES;
import static dev.strata.streams.RouterConfig.TOPIC_PARTITIONS;
import static dev.strata.streams.RouterConfig.TOPIC_PARTITIONS_DEFAULT;
import static dev.strata.streams.RouterConfig.TOPIC_REPLICATION;
import static dev.strata.streams.RouterConfig.TOPIC_REPLICATION_DEFAULT;

import dev.strata.schemas.config.ConfigReference;
import dev.strata.schemas.config.ConfigSpec;
import dev.strata.schemas.config.Validators;
import dev.strata.schemas.kafka.KafkaSizeLimits;
import java.io.IOException;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * What each router key means, its type, default and range: the one source of the README's router
 * table. {@code main} prints the table, or with the README's path rewrites it there;
 * RouterConfigDefTest fails when the committed table differs.
 */
public final class RouterConfigDef {
    /** The README block between {@code <!-- BEGIN router keys -->} and {@code <!-- END router keys -->}. */
    public static final String README_BLOCK = "router keys";

    public static final ConfigSpec SPEC = ConfigSpec.builder("router config", "README.md (Configuration, router table)")
            .group("Kafka")
            .required(BOOTSTRAP_SERVERS, Type.STRING, null, "The Kafka brokers.", "kafka:9092")
            .optional(APPLICATION_ID, Type.STRING, APPLICATION_ID_DEFAULT, null,
                    "Kafka Streams application id: the consumer group and the prefix of the transactional ids.")
            // a transaction commits every commit.interval.ms (100 ms under exactly-once) anyway, so
            // bigger producer batches and polls cost no latency
            .optional(PRODUCER_LINGER_MS, Type.LONG, PRODUCER_LINGER_MS_DEFAULT, Validators.atLeast(0),
                    "Throughput default of the routing producer; a transaction commits every `commit.interval.ms` (100 ms) anyway.")
            .optional(PRODUCER_BATCH_SIZE, Type.INT, PRODUCER_BATCH_SIZE_DEFAULT, Validators.atLeast(0),
                    "Throughput default of the routing producer.")
            .optional(CONSUMER_MAX_POLL_RECORDS, Type.INT, CONSUMER_MAX_POLL_RECORDS_DEFAULT, Validators.atLeast(1),
                    "Throughput default of the change consumer.")
            .group("Routing")
            .required(REGIMES, Type.LIST, Validators.regimeNames(),
                    "The regimes routed to, comma separated: one `strata.routed.<regime>` topic each; a placement must name one of them.",
                    "us,eu")
            .optional(TOPIC_PARTITIONS, Type.INT, TOPIC_PARTITIONS_DEFAULT, Validators.atLeast(1),
                    "Partitions of `strata.changes`, `strata.dlq` and each `strata.routed.<regime>` when the router creates"
                            + " them (`strata.tenants` has one); the same key as capture's and the sinks'.")
            .optional(TOPIC_REPLICATION, Type.INT, (int) TOPIC_REPLICATION_DEFAULT, Validators.between(1, Short.MAX_VALUE),
                    "Replication factor of the topics the router creates.")
            .optional(MAX_EVENT_BYTES, Type.INT, MAX_EVENT_BYTES_DEFAULT, KafkaSizeLimits.RANGE, KafkaSizeLimits.DOC
                    + " The router's producer and consumers and the topics it creates (also any internal topic) take it.")
            .group("Operations")
            .optional(METRICS_PORT, Type.INT, METRICS_PORT_DEFAULT, Validators.port(),
                    "Port of the Prometheus scrape endpoint `/metrics`; 0 turns it off.")
            .optional(DLQ_SCAN_INTERVAL_MS, Type.LONG, DLQ_SCAN_INTERVAL_MS_DEFAULT, Validators.atLeast(0),
                    "How often the router reads the whole `strata.dlq` to recount `strata_router_parked_changes` per tenant"
                            + " (about 1-2 s per 100k parked records); 0 turns the count off.")
            .build();

    private RouterConfigDef() {
    }

    /** Prints the README's router table; {@code RouterConfigDef README.md} rewrites it in place. */
    public static void main(String[] args) throws IOException {
        ConfigReference.printOrWrite(args, README_BLOCK, ConfigReference.markdown(SPEC));
    }
}
