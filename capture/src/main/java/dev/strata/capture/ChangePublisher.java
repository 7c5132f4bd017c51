package dev.strata.capture;

import dev.strata.capture.pg.PgValueCodec;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.event.ChangeEventCodec;
import dev.strata.schemas.kafka.DeadLetterReason;
import dev.strata.schemas.kafka.KafkaSizeLimits;
import dev.strata.schemas.kafka.Topics;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's consumer: converts each Debezium record, sends its ChangeEvent (key = tenant) or
 * its dead letter, and marks records processed strictly in order and only once Kafka has
 * acknowledged them (and everything before them).
 *
 * <p>Ordering invariant: Debezium's offset, and with it the replication slot's confirmed LSN,
 * never passes a change that Kafka does not hold. To keep the producer busy while Debezium reads
 * the next batch, the acknowledgements of a large batch are not waited for: they are collected as
 * they arrive, while later records are converted and at the next call (a heartbeat at the latest);
 * a small batch (quiet traffic) is waited for at once. At most {@code maxInFlight} records wait.
 * A send that fails stops the engine with the failed record and everything after it unmarked; a
 * restart delivers them again (at least once; the eventIds make the copies recognisable). The
 * first record processed from after the initial snapshot tells the listener that capture streams
 * (see {@link StreamingWatch}).
 *
 * <p>Size: every event is measured against {@code strata.max.event.bytes} BEFORE it is sent; one
 * that is larger is parked by reference ({@link OversizeChange}) and the next change follows. So a
 * producer error is never how a large value is found, and no single change can stop capture.
 */
final class ChangePublisher implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> {
    /** A batch that, with what is still unmarked before it, holds up to this many records is acknowledged before the call returns. */
    static final int WAIT_AT_ONCE_UP_TO = 256;
    /** Inside a large batch, the acknowledged head of what is in flight is marked every this many records. */
    private static final int MARK_EVERY = 256;
    private static final Logger LOG = LoggerFactory.getLogger(ChangePublisher.class);

    private final Producer<byte[], byte[]> producer;
    private final ChangeConverter converter;
    private final ChangeEventCodec codec;
    private final DeadLetters deadLetters;
    private final DeliveryListener listener;
    private final Clock clock;
    private final KafkaSizeLimits limits;
    private final int maxInFlight;
    private final IncrementalSnapshotProgress incrementalSnapshots;
    /** Sent, not yet marked; in Debezium's order. Only the engine's thread touches it. */
    private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
    /** Whether a record from after the initial snapshot was processed. Only the engine's thread touches it. */
    private boolean streaming;

    /**
     * One Debezium record, sent and not yet marked. Kept lean (up to {@code maxInFlight} of them live
     * through every young collection): what went to Kafka is not kept, only its topics and acknowledgements;
     * it is its own send callback.
     */
    private final class InFlight implements Callback {
        final RecordChangeEvent<SourceRecord> record;
        final ChangeConverter.Conversion conversion;
        /** Of the conversion's events, those sent as events (not parked by reference). */
        List<ChangeEvent> published = List.of();
        List<OversizeChange> oversize = List.of();
        /** The topic and acknowledgement of each send, in order. */
        String[] topics;
        Future<?>[] acks;
        volatile long ackedAtMicros;

        InFlight(RecordChangeEvent<SourceRecord> record, ChangeConverter.Conversion conversion) {
            this.record = record;
            this.conversion = conversion;
        }

        /** Each of its sends: the last acknowledgement is the record's (the producer's one I/O thread calls this in turn). */
        @Override
        public void onCompletion(RecordMetadata metadata, Exception error) {
            if (error == null) {
                ackedAtMicros = PgValueCodec.micros(clock.instant());
            }
        }
    }

    ChangePublisher(Producer<byte[], byte[]> producer, ChangeConverter converter, ChangeEventCodec codec,
            DeadLetters deadLetters, DeliveryListener listener, Clock clock, KafkaSizeLimits limits, int maxInFlight) {
        this.producer = producer;
        this.converter = converter;
        this.codec = codec;
        this.deadLetters = deadLetters;
        this.listener = listener;
        this.clock = clock;
        this.limits = limits;
        this.maxInFlight = maxInFlight;
        this.incrementalSnapshots = new IncrementalSnapshotProgress(converter.source(), listener);
    }

    @Override
    public void handleBatch(List<RecordChangeEvent<SourceRecord>> records,
            DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer) throws InterruptedException {
        // decided on what was unmarked before this batch plus the batch, as if nothing were marked meanwhile: quiet
        // traffic is acknowledged at once, a backlog is not waited for
        boolean quiet = inFlight.size() + records.size() <= WAIT_AT_ONCE_UP_TO;
        for (int n = 0; n < records.size(); n++) {
            if (n % MARK_EVERY == 0) {
                // what Kafka acknowledged meanwhile (first: while Debezium filled this batch) is let go now, not after the
                // batch: fewer records live through a young collection
                markAcknowledged(committer, 0);
            }
            RecordChangeEvent<SourceRecord> record = records.get(n);
            InFlight sent = new InFlight(record, converter.convert(record.record()));
            List<ProducerRecord<byte[], byte[]>> out = toKafka(record.record(), sent);
            sent.topics = new String[out.size()];
            sent.acks = new Future<?>[out.size()];
            for (int i = 0; i < out.size(); i++) {
                sent.topics[i] = out.get(i).topic();
                sent.acks[i] = producer.send(out.get(i), sent);
            }
            inFlight.addLast(sent);
        }
        if (quiet) {
            producer.flush();
            markAcknowledged(committer, inFlight.size());
        } else {
            markAcknowledged(committer, inFlight.size() - maxInFlight);
        }
        committer.markBatchFinished();
    }

    /** Marks the acknowledged head of the queue; waits for the first {@code mustMark} records if not yet acknowledged. */
    private void markAcknowledged(DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer, int mustMark)
            throws InterruptedException {
        int marked = 0;
        while (!inFlight.isEmpty()) {
            InFlight head = inFlight.peekFirst();
            if (marked >= mustMark && !allDone(head.acks)) {
                return;
            }
            awaitAck(head);
            notifyListener(head);
            committer.markProcessed(head.record);
            inFlight.removeFirst();
            marked++;
        }
    }

    private static boolean allDone(Future<?>[] acks) {
        for (Future<?> ack : acks) {
            if (!ack.isDone()) {
                return false;
            }
        }
        return true;
    }

    /**
     * What goes to Kafka for the record, in order: each event, or the dead letter, measured against the limit
     * first (an oversize one replaced by its reference).
     */
    private List<ProducerRecord<byte[], byte[]>> toKafka(SourceRecord record, InFlight sent) {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(1);
        if (sent.conversion instanceof ChangeConverter.Publish publish) {
            List<ChangeEvent> events = publish.events();
            for (int i = 0; i < events.size(); i++) {
                ChangeEvent event = events.get(i);
                byte[] tenant = event.getTenant().getBytes(StandardCharsets.UTF_8);
                byte[] encoded = codec.encode(event);
                if (encoded.length > limits.maxEventBytes()) {
                    if (sent.oversize.isEmpty()) {
                        sent.published = new ArrayList<>(events.subList(0, i));
                        sent.oversize = new ArrayList<>(1);
                    }
                    out.add(parkByReference(sent, tenant, OversizeChange.of(event, encoded.length, limits.maxEventBytes())));
                } else {
                    out.add(new ProducerRecord<>(Topics.CHANGES, tenant, encoded));
                    if (!sent.oversize.isEmpty()) {
                        sent.published.add(event);
                    }
                }
            }
            if (sent.oversize.isEmpty()) {
                sent.published = events; // the common case: every event as itself, no copy of the list
            }
        } else if (sent.conversion instanceof ChangeConverter.DeadLetter letter) {
            ProducerRecord<byte[], byte[]> parked = deadLetters.park(record, letter);
            long size = parked.value().length + (parked.key() == null ? 0L : parked.key().length);
            if (size > limits.maxEventBytes()) {
                // the dead letter carries the row too: a large value must not stall capture on this path either
                byte[] keyJson = parked.key();
                String key = keyJson == null ? "" : new String(keyJson, StandardCharsets.UTF_8);
                sent.oversize = new ArrayList<>(1);
                out.add(parkByReference(sent, keyJson, OversizeChange.of(letter, key, (Struct) record.value(), size,
                        limits.maxEventBytes())));
            } else {
                out.add(parked);
            }
        }
        return out;
    }

    private ProducerRecord<byte[], byte[]> parkByReference(InFlight sent, byte[] key, OversizeChange change) {
        LOG.warn("{}", change.detail());
        sent.oversize.add(change);
        return deadLetters.parkByReference(key, change);
    }

    private void awaitAck(InFlight sent) throws InterruptedException {
        for (int i = 0; i < sent.acks.length; i++) {
            try {
                sent.acks[i].get();
            } catch (ExecutionException e) {
                String topic = sent.topics[i];
                String cause = e.getCause() instanceof RecordTooLargeException
                        // capture measured it against strata.max.event.bytes: Kafka allows less than that promised
                        ? e.getCause().getMessage() + "; " + limits.refusalHint(topic)
                        : e.getCause() + " (check the brokers, the topic and this principal's WRITE permission)";
                throw new CaptureStoppedException("Kafka did not acknowledge " + describe(sent.conversion) + " to " + topic + ": "
                        + cause + "; it and what follows stay unmarked and are delivered again after a restart", e.getCause());
            }
        }
    }

    private void notifyListener(InFlight sent) {
        for (int i = 0; i < sent.published.size(); i++) {
            listener.published(sent.published.get(i), sent.ackedAtMicros);
        }
        for (int i = 0; i < sent.oversize.size(); i++) {
            listener.parked(DeadLetterReason.VALUE_TOO_LARGE);
        }
        if (sent.conversion instanceof ChangeConverter.DeadLetter letter && sent.oversize.isEmpty()) {
            listener.parked(letter.reason());
        } else if (sent.conversion instanceof ChangeConverter.Heartbeat heartbeat) {
            listener.heartbeat(heartbeat.atMillis());
        }
        incrementalSnapshots.acknowledged(sent.record.record().sourceOffset(), sent.published);
        if (!streaming && StreamingWatch.afterInitialSnapshot(sent.record.record())) {
            streaming = true;
            listener.streaming();
        }
    }

    private static String describe(ChangeConverter.Conversion conversion) {
        if (conversion instanceof ChangeConverter.Publish publish) {
            ChangeEvent event = publish.events().get(0);
            return "change " + event.getEventId() + " of " + event.getTable();
        }
        ChangeConverter.DeadLetter letter = (ChangeConverter.DeadLetter) conversion;
        return "dead letter (" + letter.reason() + ") of " + letter.table() + " at LSN " + letter.lsn();
    }
}
