package dev.strata.schemas.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * How a service creates, at start, the topics it needs: the missing ones are created, then every
 * partition of every topic it needs is waited for until its leader serves it.
 *
 * <p>Why the wait: an idempotent producer that writes to a partition its broker has not finished
 * creating gets NOT_LEADER_OR_FOLLOWER for its first request, while its second request, a moment
 * later, is accepted; the first is then refused as out of order at every retry until
 * {@code delivery.timeout.ms} expires it (KAFKA-15591, fixed in brokers from 4.5; Strata runs 4.3).
 * Capture and the sink stop on such an error rather than lose the records, but a test producer that
 * does not look at its acknowledgements loses them. A partition that answers ListOffsets is past
 * that moment.
 *
 * <p>A topic that already exists keeps the configs it was created with, except its
 * {@code max.message.bytes}: when it is below the one {@code required} asks for (an older Strata or
 * someone else created it) it is raised, never lowered, so that every hop takes the largest event
 * ({@link KafkaSizeLimits}); a principal that may not alter topic configs gets an error naming the
 * command that does it.
 */
public final class TopicSetup {
    private static final Duration SERVED_WITHIN = Duration.ofSeconds(30);
    private static final long RETRY_BACKOFF_MILLIS = 50;

    private TopicSetup() {
    }

    /**
     * @param owner who needs the topics, for the error message ("capture", "the router"...)
     * @return the names of the topics this call created
     */
    public static List<String> ensure(Admin admin, List<NewTopic> required, String owner) throws InterruptedException {
        List<String> names = required.stream().map(NewTopic::name).toList();
        try {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = required.stream().filter(t -> !existing.contains(t.name())).toList();
            List<String> created = new ArrayList<>();
            if (!missing.isEmpty()) {
                for (Map.Entry<String, KafkaFuture<Void>> creation : admin.createTopics(missing).values().entrySet()) {
                    try {
                        creation.getValue().get();
                        created.add(creation.getKey());
                    } catch (ExecutionException e) {
                        if (!(e.getCause() instanceof TopicExistsException)) {
                            throw e; // else another service created it meanwhile: no error
                        }
                    }
                }
            }
            awaitServed(admin, names);
            raiseSizeLimits(admin, required.stream().filter(t -> !created.contains(t.name())).toList(), owner);
            return created;
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot set up the topics of " + owner + " " + names + ": " + e.getCause().getMessage()
                    + " (check bootstrap.servers and that this principal may describe and create topics)", e.getCause());
        }
    }

    private static void raiseSizeLimits(Admin admin, List<NewTopic> existing, String owner)
            throws InterruptedException, ExecutionException {
        Map<ConfigResource, Long> wanted = new HashMap<>();
        for (NewTopic topic : existing) {
            String bytes = topic.configs() == null ? null : topic.configs().get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            if (bytes != null) {
                wanted.put(new ConfigResource(ConfigResource.Type.TOPIC, topic.name()), Long.parseLong(bytes));
            }
        }
        if (wanted.isEmpty()) {
            return;
        }
        Map<ConfigResource, Config> current = admin.describeConfigs(wanted.keySet()).all().get();
        Map<ConfigResource, Collection<AlterConfigOp>> raises = new HashMap<>();
        for (Map.Entry<ConfigResource, Long> topic : wanted.entrySet()) {
            ConfigEntry entry = current.get(topic.getKey()).get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            if (entry == null || entry.value() == null || Long.parseLong(entry.value()) < topic.getValue()) {
                raises.put(topic.getKey(), List.of(new AlterConfigOp(
                        new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Long.toString(topic.getValue())), AlterConfigOp.OpType.SET)));
            }
        }
        for (Map.Entry<ConfigResource, KafkaFuture<Void>> raise : admin.incrementalAlterConfigs(raises).values().entrySet()) {
            try {
                raise.getValue().get();
            } catch (ExecutionException e) {
                String topic = raise.getKey().name();
                long bytes = wanted.get(raise.getKey());
                throw new IllegalStateException(owner + " cannot raise max.message.bytes of topic " + topic + " to " + bytes + " ("
                        + KafkaSizeLimits.MAX_EVENT_BYTES + " plus 1 MiB): " + e.getCause().getMessage() + "; run kafka-configs"
                        + " --alter --entity-type topics --entity-name " + topic + " --add-config max.message.bytes=" + bytes
                        + " with a principal allowed to alter topic configs, or lower " + KafkaSizeLimits.MAX_EVENT_BYTES,
                        e.getCause());
            }
        }
    }

    /**
     * Waits until the leader of every partition of {@code topics} serves it (see the class comment).
     * Right after a creation the broker may still say it hosts no such partition: that is retried
     * for up to {@link #SERVED_WITHIN}, anything else fails at once.
     */
    public static void awaitServed(Admin admin, List<String> topics) throws InterruptedException, ExecutionException {
        long deadline = System.nanoTime() + SERVED_WITHIN.toNanos();
        while (true) {
            try {
                Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
                for (TopicDescription topic : admin.describeTopics(topics).allTopicNames().get().values()) {
                    topic.partitions().forEach(p -> partitions.put(new TopicPartition(topic.name(), p.partition()), OffsetSpec.latest()));
                }
                admin.listOffsets(partitions).all().get();
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof RetriableException) || System.nanoTime() > deadline) {
                    throw e;
                }
                TimeUnit.MILLISECONDS.sleep(RETRY_BACKOFF_MILLIS);
            }
        }
    }
}
