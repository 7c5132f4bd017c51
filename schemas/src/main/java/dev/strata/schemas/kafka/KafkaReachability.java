package dev.strata.schemas.kafka;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Whether Kafka answers, asked once with a deadline before a service starts its clients. Without
 * it a service facing an unreachable cluster either logs "Rebootstrapping" forever (Kafka Streams)
 * or fails after a client's default timeouts, minutes later, with a message that names no setting.
 */
public final class KafkaReachability {
    /**
     * How long a service waits for a broker's answer at start: a scheduler or an operator then has
     * its verdict within 30 s of the start, JVM start-up included, and a broker that is merely slow
     * to accept a connection still has time.
     */
    public static final Duration STARTUP_DEADLINE = Duration.ofSeconds(20);

    private KafkaReachability() {
    }

    /** {@link #require(Properties, String, Duration)} with {@link #STARTUP_DEADLINE}. */
    public static void require(Properties client, String owner) throws InterruptedException {
        require(client, owner, STARTUP_DEADLINE);
    }

    /**
     * Returns once a broker has described the cluster.
     *
     * @param client the service's Kafka client settings (bootstrap.servers, security)
     * @param owner who asks, for the message ("capture", "the router", "the sink of regime eu")
     * @throws KafkaUnavailableException when no broker answered within {@code deadline}
     * @throws IllegalStateException when a broker answered with an error, e.g. the credentials were refused
     */
    public static void require(Properties client, String owner, Duration deadline) throws InterruptedException {
        String brokers = client.getProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
        Properties props = new Properties();
        props.putAll(client);
        int millis = Math.toIntExact(deadline.toMillis());
        // no request of this client may outlive the deadline, or close() would wait for it
        props.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString(millis));
        props.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Integer.toString(millis));
        // with the default (rebootstrap), Kafka 4.3's admin client facing no broker rebootstraps in a tight loop: about
        // 20,000 INFO lines in 20 s here; one bootstrap list is all this question needs
        props.setProperty(AdminClientConfig.METADATA_RECOVERY_STRATEGY_CONFIG, "none");
        Admin admin = Admin.create(props);
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(millis)).clusterId().get(millis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new KafkaUnavailableException(owner + " cannot start", brokers, deadline, e);
        } catch (ExecutionException e) {
            if (isUnavailability(e.getCause())) {
                throw new KafkaUnavailableException(owner + " cannot start", brokers, deadline, e.getCause());
            }
            throw new IllegalStateException(owner + " cannot start: Kafka at bootstrap.servers=" + brokers + " refused to describe the"
                    + " cluster: " + e.getCause().getMessage() + " (check the client's security settings and this principal's"
                    + " rights)", e.getCause());
        } finally {
            // nothing of this client is worth waiting for: the answer is in, or the deadline is past
            admin.close(Duration.ZERO);
        }
    }

    /**
     * Whether a Kafka client's error means "no answer now, maybe later": a timeout, a lost
     * connection, a leader or coordinator not available... (Kafka's retriable errors), but not a
     * topic that does not exist, which no retry creates.
     */
    public static boolean isUnavailability(Throwable error) {
        // Kafka's TimeoutException is one of its RetriableExceptions
        return error instanceof KafkaUnavailableException
                || (error instanceof RetriableException && !(error instanceof UnknownTopicOrPartitionException));
    }
}
