package dev.strata.sink;

import dev.strata.schemas.kafka.Topics;
import dev.strata.schemas.watermark.Watermark;
import dev.strata.schemas.watermark.WatermarkCodec;
import java.util.List;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** A MockProducer that writes each watermark it is given into the {@link Journal}, and can crash the sending thread at the first one. */
final class JournalingProducer extends MockProducer<byte[], byte[]> {
    private final Journal journal;
    private volatile boolean crashAtWatermark;

    JournalingProducer(Journal journal) {
        super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        this.journal = journal;
    }

    void crashAtWatermark() {
        crashAtWatermark = true;
    }

    @Override
    public synchronized Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
        if (record.topic().equals(Topics.WATERMARKS)) {
            if (crashAtWatermark) {
                throw new RecordingConsumer.Crash("at the watermark send");
            }
            Watermark w = WatermarkCodec.decode(record.value());
            journal.add("watermark " + w.tenant() + " p" + w.partition() + " offset=" + w.committedOffset()
                    + " durable=" + w.durableCommitMicros());
        }
        return super.send(record, callback);
    }

    List<Watermark> watermarks() {
        return history().stream().filter(r -> r.topic().equals(Topics.WATERMARKS)).map(r -> WatermarkCodec.decode(r.value())).toList();
    }
}
