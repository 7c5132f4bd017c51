package dev.strata.schemas.kafka;

import dev.strata.schemas.event.ChangeEventCodec;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/** One record still parked in {@link Topics#DEAD_LETTERS}: its tenant and reason from the headers, and its change's commit time. */
public record ParkedRecord(String tenant, DeadLetterReason reason, String reasonName, ConsumerRecord<byte[], byte[]> record) {

    static ParkedRecord of(ConsumerRecord<byte[], byte[]> record) {
        String reasonName = header(record, DeadLetterHeaders.REASON);
        return new ParkedRecord(header(record, DeadLetterHeaders.TENANT), reasonOf(reasonName),
                reasonName == null ? "(no reason header)" : reasonName, record);
    }

    /**
     * The commit time of the parked change: capture's header when it wrote one, else the ChangeEvent's own;
     * empty when neither is readable (bytes no released schema decodes).
     */
    public OptionalLong commitMicros(ChangeEventCodec codec) {
        String header = header(record, DeadLetterHeaders.COMMIT_TS_MICROS);
        try {
            if (header != null) {
                return OptionalLong.of(Long.parseLong(header.trim()));
            }
            return record.value() == null ? OptionalLong.empty() : OptionalLong.of(codec.decode(record.value()).getCommitTsMicros());
        } catch (RuntimeException unreadable) {
            return OptionalLong.empty();
        }
    }

    private static DeadLetterReason reasonOf(String name) {
        try {
            return name == null ? null : DeadLetterReason.valueOf(name);
        } catch (IllegalArgumentException unknown) {
            return null;
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
