package dev.strata.restore.move;

import dev.strata.restore.store.RegimeStores;
import dev.strata.schemas.TenantId;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.event.ChangeEventCodec;
import dev.strata.schemas.event.CutTime;
import dev.strata.schemas.fold.RowDecoder;
import dev.strata.schemas.layout.BackupLayout;
import dev.strata.schemas.layout.BaseCut;
import dev.strata.schemas.layout.InvalidObjectKeyException;
import dev.strata.schemas.layout.ObjectKey;
import dev.strata.schemas.kafka.KafkaSizeLimits;
import dev.strata.schemas.kafka.Topics;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Copies a tenant's log from the regime it leaves into the regime topic of the one it goes to, change by change, with
 * the change's own eventId, commit time and position: the new regime's sinks then store it as they store any change,
 * sealed under that regime's keys, in hour manifests of its own chain, under segment names of its own topic (a name of
 * the old topic's partitions and offsets would mislead the new sinks' crash recovery). Restores read changes by their
 * commit time and position, never by where they were stored, so every point of the history restores the same.
 */
final class HistoryCopy {
    /** Marks a copied change for whoever reads the regime topic; sinks ignore it. */
    static final String MOVED_FROM_HEADER = "strata.moved.from";
    private static final long PROGRESS_EVERY = 100_000;

    private final Properties kafka;
    private final KafkaSizeLimits limits;
    private final PrintWriter out;

    HistoryCopy(Properties kafka, KafkaSizeLimits limits, PrintWriter out) {
        this.kafka = kafka;
        this.limits = limits;
        this.out = out;
    }

    /**
     * What one round copied: the log's segments read, the events made from a base, the segments the base covers whole, and
     * the base's rows with a value no version held.
     */
    record Copied(TenantLog.Read read, long baseEvents, Set<ObjectKey> coveredByBase, RowDecoder.Unresolved unresolved) {
    }

    /**
     * @param done segments an earlier round copied, passed over
     * @param ids the distinct changes copied so far, which this round adds to
     * @param base where the kept history starts when retention expired the log before it: its base is copied first (in
     *        the first round, when nothing is done yet), and of the log only the changes after its cut
     */
    Copied copy(RegimeStores from, TenantId tenant, String toRegime, Set<ObjectKey> done, EventIds ids, Optional<BaseCut> base) {
        byte[] key = tenant.value().getBytes(StandardCharsets.UTF_8);
        byte[] fromRegime = from.regime().getBytes(StandardCharsets.UTF_8);
        String topic = Topics.routed(toRegime);
        ChangeEventCodec codec = new ChangeEventCodec();
        long[] sent = {0};
        AtomicReference<Exception> failed = new AtomicReference<>();
        Copied selection;
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            Consumer<ChangeEvent> send = event -> {
                ids.add(event.getEventId());
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null, key, codec.encode(event));
                record.headers().add(MOVED_FROM_HEADER, fromRegime);
                producer.send(record, (metadata, error) -> {
                    if (error != null) {
                        failed.compareAndSet(null, error);
                    }
                });
                if (++sent[0] % PROGRESS_EVERY == 0) {
                    out.printf(Locale.ROOT, "  copied %,d changes of tenant %s into %s%n", sent[0], tenant, topic);
                    out.flush();
                }
            };
            selection = select(from, tenant, done, base, send);
            producer.flush();
        }
        if (failed.get() != null) {
            throw new IllegalStateException("cannot copy tenant " + tenant + "'s history into " + topic + ": " + failed.get().getMessage()
                    + "; nothing is lost: run the move again (the copies it repeats are removed at restore)", failed.get());
        }
        return selection;
    }

    /**
     * The changes a copy sends, in order, to {@code each}: with a base, first its snapshot (in the first round, when nothing
     * is done yet), then every segment not done (nor covered whole by the base, as a restore from the base reads the log),
     * a change at or before the cut counted from the cut (a late segment's: the new regime's history starts there; the
     * fold still orders it by its place, below the base's rows where they are newer).
     */
    static Copied select(RegimeStores from, TenantId tenant, Set<ObjectKey> done, Optional<BaseCut> base, Consumer<ChangeEvent> each) {
        long afterMicros = base.map(BaseCut::cutCommitMicros).orElse(Long.MIN_VALUE);
        long baseEvents = 0;
        Set<ObjectKey> covered = new HashSet<>();
        RowDecoder.Unresolved unresolved = new RowDecoder.Unresolved(0, List.of());
        if (base.isPresent() && done.isEmpty()) {
            BaseSnapshot.Read snapshot = new BaseSnapshot(from, tenant).forEach(base.get(), each);
            baseEvents = snapshot.events();
            unresolved = snapshot.unresolved();
            snapshot.folded().stream().filter(folded -> endsBy(folded, afterMicros)).forEach(covered::add);
        }
        Set<ObjectKey> skip = new HashSet<>(done);
        skip.addAll(covered);
        TenantLog.Read read = new TenantLog(from, tenant).forEach(skip, event -> {
            if (CutTime.of(event) <= afterMicros) {
                event.setCutTsMicros(afterMicros);
            }
            each.accept(event);
        });
        return new Copied(read, baseEvents, covered, unresolved);
    }

    private static boolean endsBy(ObjectKey key, long micros) {
        try {
            return BackupLayout.parseSegment(key).maxCommitMicros() <= micros;
        } catch (InvalidObjectKeyException notASegment) {
            return false;
        }
    }

    private KafkaProducer<byte[], byte[]> producer() {
        Properties props = new Properties();
        props.putAll(kafka);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        limits.applyToProducer(props);
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
