package dev.strata.sink;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * A MockConsumer that keeps every offset commit (in the {@link Journal} too, so that commits can be
 * ordered against puts and watermarks), and can crash the poll thread: at its next poll, or at a
 * commit, before anything of that commit is stored. A crash is a plain RuntimeException, which the
 * sink does not catch (a KafkaException from a commit it would log and retry): the loop is abandoned
 * where it stands, as by kill -9.
 */
final class RecordingConsumer extends MockConsumer<byte[], byte[]> {
    /** One partition's part of a successful commit. */
    record Commit(TopicPartition partition, long offset, String metadata) {
        OffsetAndMetadata asOffsetAndMetadata() {
            return new OffsetAndMetadata(offset, metadata);
        }
    }

    /** The poll thread dies here. */
    static final class Crash extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Crash(String where) {
            super("simulated crash " + where);
        }
    }

    /** An empty poll waits up to this long, as a real one waits for records: spares a core the loop would spin on. */
    private static final long EMPTY_POLL_WAIT_MILLIS = 5;

    private final Journal journal;
    /** Read by the test thread without the consumer's lock, which the poll thread holds through a rebalance's drain. */
    private final List<Commit> commits = new CopyOnWriteArrayList<>();
    private volatile Predicate<Map<TopicPartition, OffsetAndMetadata>> crashAtCommit = offsets -> false;
    private volatile boolean crashAtNextPoll;

    RecordingConsumer(Journal journal) {
        super("earliest");
        this.journal = journal;
    }

    void crashAtCommit(Predicate<Map<TopicPartition, OffsetAndMetadata>> when) {
        crashAtCommit = when;
    }

    void crashAtNextPoll() {
        crashAtNextPoll = true;
    }

    /** Puts back what an earlier run committed, as the group coordinator keeps it; not recorded as a commit of this run. */
    synchronized void restore(Commit earlier) {
        super.commitSync(Map.of(earlier.partition(), earlier.asOffsetAndMetadata()));
    }

    @Override
    public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
        if (crashAtCommit.test(offsets)) {
            throw new Crash("at the commit of " + offsets);
        }
        super.commitSync(offsets);
        offsets.forEach((tp, o) -> {
            commits.add(new Commit(tp, o.offset(), o.metadata()));
            journal.add("commit p" + tp.partition() + " offset=" + o.offset() + " " + o.metadata());
        });
    }

    @Override
    public synchronized ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
        if (crashAtNextPoll) {
            throw new Crash("at a poll");
        }
        ConsumerRecords<byte[], byte[]> records = super.poll(timeout);
        long wait = Math.min(timeout.toMillis(), EMPTY_POLL_WAIT_MILLIS);
        if (records.isEmpty() && wait > 0) {
            try {
                wait(wait); // releases the monitor: the test thread may schedule tasks meanwhile
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return records;
    }

    List<Commit> commits() {
        return List.copyOf(commits);
    }

    /** The last commit of {@code tp}; MockConsumer's committed() answers offset 0 for a partition not assigned. */
    Optional<Commit> lastCommit(TopicPartition tp) {
        List<Commit> all = commits();
        for (int i = all.size() - 1; i >= 0; i--) {
            if (all.get(i).partition().equals(tp)) {
                return Optional.of(all.get(i));
            }
        }
        return Optional.empty();
    }

    /** The committed offset of {@code tp}, -1 before any commit. */
    long committed(TopicPartition tp) {
        return lastCommit(tp).map(Commit::offset).orElse(-1L);
    }
}
