package dev.strata.capture;

import dev.strata.capture.pg.PgValueCodec;
import dev.strata.schemas.avro.ChangeEvent;
import dev.strata.schemas.event.ChangeEventCodec;
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
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * The engine's consumer: converts each Debezium record, sends its ChangeEvent (key = tenant) or
 * its dead letter, and marks records processed strictly in order and only once Kafka has
 * acknowledged them (and everything before them).
 *
 * <p>Ordering invariant: Debezium's offset, and with it the replication slot's confirmed LSN,
 * never passes a change that Kafka does not hold. To keep the producer busy while Debezium reads
 * the next batch, the acknowledgements of a large batch are collected at the next call (a
 * heartbeat at the latest) instead of waited for; a small batch (quiet traffic) is waited for at
 * once. At most {@code maxInFlight} records wait. A send that fails stops the engine with the
 * failed record and everything after it unmarked; a restart delivers them again (at least once;
 * the eventIds make the copies recognisable). The first record processed from after the initial
 * snapshot tells the listener that capture streams (see {@link StreamingWatch}).
 */
final class ChangePublisher implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> {
    /** A batch up to this size is acknowledged before the call returns. */
    static final int WAIT_AT_ONCE_UP_TO = 256;

    private final Producer<byte[], byte[]> producer;
    private final ChangeConverter converter;
    private final ChangeEventCodec codec;
    private final DeadLetters deadLetters;
    private final DeliveryListener listener;
    private final Clock clock;
    private final int maxInFlight;
    /** Sent, not yet marked; in Debezium's order. Only the engine's thread touches it. */
    private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
    /** Whether a record from after the initial snapshot was processed. Only the engine's thread touches it. */
    private boolean streaming;

    private static final class InFlight {
        final RecordChangeEvent<SourceRecord> record;
        final ChangeConverter.Conversion conversion;
        final List<Future<RecordMetadata>> acks = new ArrayList<>(1);
        volatile long ackedAtMicros;

        InFlight(RecordChangeEvent<SourceRecord> record, ChangeConverter.Conversion conversion) {
            this.record = record;
            this.conversion = conversion;
        }
    }

    ChangePublisher(Producer<byte[], byte[]> producer, ChangeConverter converter, ChangeEventCodec codec,
            DeadLetters deadLetters, DeliveryListener listener, Clock clock, int maxInFlight) {
        this.producer = producer;
        this.converter = converter;
        this.codec = codec;
        this.deadLetters = deadLetters;
        this.listener = listener;
        this.clock = clock;
        this.maxInFlight = maxInFlight;
    }

    @Override
    public void handleBatch(List<RecordChangeEvent<SourceRecord>> records,
            DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer) throws InterruptedException {
        for (RecordChangeEvent<SourceRecord> record : records) {
            InFlight sent = new InFlight(record, converter.convert(record.record()));
            for (ProducerRecord<byte[], byte[]> out : toKafka(record.record(), sent.conversion)) {
                sent.acks.add(producer.send(out, (metadata, error) -> {
                    if (error == null) {
                        sent.ackedAtMicros = PgValueCodec.micros(clock.instant());
                    }
                }));
            }
            inFlight.addLast(sent);
        }
        if (inFlight.size() <= WAIT_AT_ONCE_UP_TO) {
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
            if (marked >= mustMark && !head.acks.stream().allMatch(Future::isDone)) {
                return;
            }
            awaitAck(head);
            notifyListener(head);
            committer.markProcessed(head.record);
            inFlight.removeFirst();
            marked++;
        }
    }

    private List<ProducerRecord<byte[], byte[]>> toKafka(SourceRecord record, ChangeConverter.Conversion conversion) {
        if (conversion instanceof ChangeConverter.Publish publish) {
            List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(publish.events().size());
            for (ChangeEvent event : publish.events()) {
                out.add(new ProducerRecord<>(Topics.CHANGES, event.getTenant().getBytes(StandardCharsets.UTF_8), codec.encode(event)));
            }
            return out;
        }
        if (conversion instanceof ChangeConverter.DeadLetter letter) {
            return List.of(deadLetters.park(record, letter));
        }
        return List.of();
    }

    private static void awaitAck(InFlight sent) throws InterruptedException {
        try {
            for (Future<RecordMetadata> ack : sent.acks) {
                ack.get();
            }
        } catch (ExecutionException e) {
            throw new CaptureStoppedException("Kafka did not acknowledge " + describe(sent.conversion) + ": "
                    + e.getCause() + "; it and what follows stay unmarked and are delivered again after a restart"
                    + " (check the brokers, the topic and this principal's WRITE permission)", e.getCause());
        }
    }

    private void notifyListener(InFlight sent) {
        if (sent.conversion instanceof ChangeConverter.Publish publish) {
            publish.events().forEach(event -> listener.published(event, sent.ackedAtMicros));
        } else if (sent.conversion instanceof ChangeConverter.DeadLetter letter) {
            listener.parked(letter.reason());
        } else if (sent.conversion instanceof ChangeConverter.Heartbeat heartbeat) {
            listener.heartbeat(heartbeat.atMillis());
        }
        if (!streaming && StreamingWatch.afterInitialSnapshot(sent.record.record())) {
            streaming = true;
            listener.streaming();
        }
    }

    private static String describe(ChangeConverter.Conversion conversion) {
        if (conversion instanceof ChangeConverter.Publish publish) {
            ChangeEvent event = publish.events().get(0);
            return "change " + event.getEventId() + " of " + event.getTable() + " to " + Topics.CHANGES;
        }
        ChangeConverter.DeadLetter letter = (ChangeConverter.DeadLetter) conversion;
        return "dead letter (" + letter.reason() + ") of " + letter.table() + " at LSN " + letter.lsn() + " to " + Topics.DEAD_LETTERS;
    }
}
